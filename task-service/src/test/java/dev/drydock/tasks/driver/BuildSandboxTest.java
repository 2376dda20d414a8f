package dev.drydock.tasks.driver;

import dev.drydock.devstack.OutsideWorld;
import dev.drydock.sandbox.HostCommand;
import dev.drydock.tasks.testing.BaseImage;
import dev.drydock.tasks.testing.Contexts;
import dev.drydock.tasks.testing.TaskStackTestResource;
import dev.drydock.tasks.testing.TasksApi;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static dev.drydock.tasks.testing.TasksApi.BASE;
import static dev.drydock.tasks.testing.TasksApi.awaitEnd;
import static dev.drydock.tasks.testing.TasksApi.given;
import static dev.drydock.tasks.testing.TasksApi.log;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A build's RUN as an attacker writes it, against the real sandbox: each test fails if the attack succeeds. The escape
 * program is compiled here from src/test/c; nothing comes from the internet.
 */
@QuarkusTest
@WithTestResource(value = TaskStackTestResource.class, scope = TestResourceScope.GLOBAL)
class BuildSandboxTest {

    private static final Duration QUICK = Duration.ofSeconds(60);
    private static Path escape;
    private static OutsideWorld outside;

    @ConfigProperty(name = "drydock.tasks.registry.url")
    String registryUrl;
    @ConfigProperty(name = "drydock.tasks.instances.url")
    String instancesUrl;
    @ConfigProperty(name = "drydock.tasks.data-dir")
    String dataDir;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;
    @ConfigProperty(name = "quarkus.datasource.reactive.url")
    String database;

    private String base;

    @BeforeAll
    static void tools() throws IOException {
        escape = Files.createTempFile("escape", "");
        HostCommand.check(List.of("gcc", "-static", "-O2", "-o", escape.toString(),
                Path.of("src/test/c/escape.c").toAbsolutePath().toString()), QUICK);
        outside = OutsideWorld.start(77, "mirror.txt", "package-mirror-answered");
    }

    @AfterAll
    static void removeTools() throws IOException {
        if (outside != null) {
            outside.close();
        }
        Files.deleteIfExists(escape);
    }

    @BeforeEach
    void base() {
        base = BaseImage.reference(URI.create(registryUrl).getAuthority());
    }

    @Test
    void theDoubleChrootEscapeFindsNoHostFile() throws IOException {
        Path marker = Files.createTempFile("drydock-host-marker", ".txt");
        try {
            Files.writeString(marker, "host-secret-content");
            Files.setPosixFilePermissions(marker, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            Map<String, byte[]> files = new LinkedHashMap<>();
            files.put("Dockerfile", ("FROM " + base + "\nCOPY escape /escape\nRUN [\"/escape\", \"" + marker
                    + "\", \"/etc/subuid\", \"" + Path.of(dataDir).toAbsolutePath() + "\"]\n")
                    .getBytes(StandardCharsets.UTF_8));
            files.put("escape@exec", Files.readAllBytes(escape));
            String runId = build(files, Map.of());
            JsonPath run = awaitEnd(runId);
            String log = log(runId);
            assertEquals("Succeeded", run.getString("status"), log);
            assertTrue(log.contains("escape: no host file " + marker), log);
            assertTrue(log.contains("escape: done"), "the escape program ran: " + log);
            assertFalse(log.contains("HOST FILE FOUND"), log);
            assertFalse(log.contains("host-secret-content"), log);
        } finally {
            Files.deleteIfExists(marker);
        }
    }

    @Test
    void aRunReachesTheOutsideWorldButNoPortOfTheHostNorTheControlPlane() throws IOException {
        List<String> ports = List.of(port(registryUrl), port(instancesUrl), port("http://" + kafka),
                port(database.replace("postgresql://", "http://")), String.valueOf(RestAssured.port));
        List<String> targets = new ArrayList<>();
        for (String address : OutsideWorld.hostAddresses()) {
            for (String port : ports) {
                targets.add(address + ":" + port);
            }
        }
        // the sandbox's own loopback and its gateway (the veth's host end) too
        for (String port : ports) {
            targets.add("127.0.0.1:" + port);
            targets.add("GATEWAY:" + port);
        }
        String dockerfile = "FROM " + base + "\n"
                + "ARG TARGETS\n"
                + "RUN gw=$(ip route | awk '/default/ {print $3}'); echo \"gateway $gw\"; "
                + "for t in $TARGETS; do t=$(echo $t | sed \"s/GATEWAY/$gw/\"); "
                + "if nc -w 3 ${t%:*} ${t#*:} </dev/null >/dev/null 2>&1; then echo \"REACHED $t\"; fi; done; "
                + "echo probes-done; printf 'GET /mirror.txt HTTP/1.0\\r\\n\\r\\n' | nc -w 5 " + outside.address()
                + " " + OutsideWorld.PORT + "\n";
        String runId = build(Map.of("Dockerfile", dockerfile.getBytes(StandardCharsets.UTF_8)),
                Map.of("TARGETS", String.join(" ", targets)));
        JsonPath run = awaitEnd(runId);
        String log = log(runId);
        assertEquals("Succeeded", run.getString("status"), log);
        assertTrue(printed(log, "probes-done"), log);
        assertFalse(log.matches("(?s).*REACHED [0-9].*"), "a sandbox reached the host: " + log);
        assertTrue(log.contains("package-mirror-answered"), "the outside world is reachable: " + log);
    }

    @Test
    void aForkBombHitsThePidsLimitAndNothingOutlivesTheBuild() {
        // 3000 sleepers against a limit of 1024: forks fail inside the sandbox (ash gives up), the host never notices
        String dockerfile = "FROM " + base + "\n"
                + "RUN i=0; while [ $i -lt 3000 ]; do sleep 6143 & i=$((i+1)); done; echo all-forked\n";
        String runId = build(Map.of("Dockerfile", dockerfile.getBytes(StandardCharsets.UTF_8)), Map.of());
        JsonPath run = awaitEnd(runId);
        String log = log(runId);
        assertEquals("Failed", run.getString("status"), log);
        assertTrue(log.contains("can't fork"), "the pids limit refused forks: " + log);
        assertFalse(printed(log, "all-forked"), log);
        assertFalse(TasksApi.processRuns("sleep 6143"), "no sleeper survives its build");
        given().get(BASE + "/runs").then().statusCode(200);
    }

    @Test
    void aDaemonisedChildDoesNotOutliveItsBuild() {
        String dockerfile = "FROM " + base + "\n"
                + "RUN setsid sleep 6151 </dev/null >/dev/null 2>&1 & grep pids /proc/self/cgroup\n";
        String runId = build(Map.of("Dockerfile", dockerfile.getBytes(StandardCharsets.UTF_8)), Map.of());
        JsonPath run = awaitEnd(runId);
        String log = log(runId);
        assertEquals("Succeeded", run.getString("status"), log);
        assertTrue(log.contains(":pids:/drydock-builds/") || log.contains("::/drydock-builds/"),
                "the build ran in its sandbox's cgroup: " + log);
        assertFalse(TasksApi.processRuns("sleep 6151"), "no daemonised child survives its build");
    }

    @Test
    void aSecretIsMountedForOneRunAndNeverStored() throws Exception {
        String secret = "mounted-secret-value-42";
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(secret.getBytes(StandardCharsets.UTF_8)));
        String dockerfile = "FROM " + base + "\n"
                + "RUN --mount=type=secret,id=TOKEN sha256sum /run/secrets/TOKEN\n"
                + "RUN test ! -e /run/secrets/TOKEN && echo secret-not-in-image\n";
        String runId = given().contentType("application/json").body(Map.of("imageNames", List.of("sandbox/secret:1"),
                "sourceLocation", TasksApi.upload(Contexts.tar(dockerfile)), "isPushEnabled", false,
                "arguments", List.of(Map.of("name", "TOKEN", "value", secret, "isSecret", true))))
                .post(BASE + "/builds").then().statusCode(202).extract().path("runId");
        JsonPath run = awaitEnd(runId);
        String log = log(runId);
        assertEquals("Succeeded", run.getString("status"), log);
        assertTrue(log.contains(digest), "RUN read the secret through its mount: " + log);
        assertTrue(log.contains("secret-not-in-image"), log);
        assertFalse(log.contains(secret), log);
    }

    @Test
    void argumentsThatARuntimeWouldInterpretAreRefused() {
        for (String name : List.of("LD_PRELOAD", "ld_library_path", "GCONV_PATH", "BUILDAH_ISOLATION")) {
            given().contentType("application/json").body(Map.of("imageNames", List.of("x:1"), "sourceLocation",
                    TasksApi.upload(Contexts.tar("FROM " + base + "\n")), "arguments",
                    List.of(Map.of("name", name, "value", "/tmp/evil.so", "isSecret", true))))
                    .post(BASE + "/builds").then().statusCode(400).body("error.message", containsString(name));
        }
    }

    private String build(Map<String, byte[]> files, Map<String, String> arguments) {
        List<Map<String, Object>> args = new ArrayList<>();
        arguments.forEach((name, value) -> args.add(Map.of("name", name, "value", value)));
        return TasksApi.build(Map.of("imageNames", List.of("sandbox/attack:1"), "isPushEnabled", false,
                "sourceLocation", TasksApi.upload(Contexts.tar(files)), "arguments", args));
    }

    /** Whether the run's log has {@code text} as a line of output (not as part of the echoed command). */
    private static boolean printed(String log, String text) {
        return log.lines().anyMatch(line -> line.matches("\\S+ \\S+ " + Pattern.quote(text)));
    }

    private static String port(String url) {
        return String.valueOf(URI.create(url).getPort());
    }
}
