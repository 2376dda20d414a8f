package dev.drydock.tasks.testing;

import io.restassured.path.json.JsonPath;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A small base image with a shell, built and pushed into the test registry by a quick build once per JVM: later
 * builds start FROM it, as builds on a team's own base images do. Nothing comes from the internet.
 */
public final class BaseImage {

    public static final String REPOSITORY = "base/busybox";
    private static String digest;

    private BaseImage() {
    }

    /** @return registry/base/busybox:1 after making sure it is pushed */
    public static synchronized String reference(String registry) {
        if (digest == null) {
            Map<String, byte[]> files = new LinkedHashMap<>();
            files.put("Dockerfile", """
                    FROM scratch
                    COPY busybox /bin/busybox
                    RUN ["/bin/busybox", "--install", "-s", "/bin"]
                    """.getBytes());
            files.put("busybox@exec", Contexts.busybox());
            String source = TasksApi.upload(Contexts.tar(files));
            String runId = TasksApi.build(Map.of("imageNames", List.of(REPOSITORY + ":1"), "sourceLocation", source));
            JsonPath run = TasksApi.awaitEnd(runId);
            assertEquals("Succeeded", run.getString("status"), () -> TasksApi.log(runId));
            digest = run.getString("outputImages[0].digest");
        }
        return registry + "/" + REPOSITORY + ":1";
    }

    public static synchronized String digest() {
        return digest;
    }
}
