package dev.drydock.tasks.testing;

import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import org.awaitility.Awaitility;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.equalTo;

/** The tasks API as an authenticated client uses it, with waiting for runs to end. */
public final class TasksApi {

    public static final String BASE = "/api/v1/registries/default";
    private static final List<String> FINAL = List.of("Succeeded", "Failed", "Canceled", "Error", "Timeout");

    private TasksApi() {
    }

    public static RequestSpecification given() {
        return RestAssured.given().auth().preemptive().basic(TaskStackTestResource.ADMIN,
                TaskStackTestResource.ADMIN_PASSWORD);
    }

    /** Uploads a context. @return its sourceLocation */
    public static String upload(byte[] tar) {
        return given().contentType("application/x-tar").body(tar).post(BASE + "/sources").then().statusCode(201)
                .extract().path("sourceLocation");
    }

    /** Queues a quick build. @return the run id */
    public static String build(Map<String, Object> request) {
        return given().contentType("application/json").body(request).post(BASE + "/builds").then()
                .statusCode(202).body("status", equalTo("Queued")).extract().path("runId");
    }

    /** Queues a quick run. @return the run id */
    public static String run(Map<String, Object> request) {
        return given().contentType("application/json").body(request).post(BASE + "/runs").then()
                .statusCode(202).extract().path("runId");
    }

    public static JsonPath show(String runId) {
        return given().get(BASE + "/runs/" + runId).then().statusCode(200).extract().jsonPath();
    }

    /** Waits for the run to reach a final state. */
    public static JsonPath awaitEnd(String runId) {
        Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                .until(() -> FINAL.contains(show(runId).getString("status")));
        return show(runId);
    }

    public static String log(String runId) {
        return given().get(BASE + "/runs/" + runId + "/logs").then().statusCode(200).extract().asString();
    }

    /** Waits until the run's stored log contains {@code text}. */
    public static void awaitLog(String runId, String text) {
        Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .until(() -> log(runId).contains(text));
    }

    /**
     * Whether any process on this machine has {@code marker} in its command line, read from /proc: the JDK's view
     * leaves out argv[0] of a process whose executable is a multi-call binary in another mount namespace.
     */
    public static boolean processRuns(String marker) {
        return ProcessHandle.allProcesses().anyMatch(p -> {
            try {
                byte[] cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline"));
                return new String(cmdline, StandardCharsets.UTF_8).replace('\0', ' ').contains(marker);
            } catch (IOException | RuntimeException gone) {
                return false;
            }
        });
    }
}
