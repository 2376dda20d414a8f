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
        return show(BASE, runId);
    }

    private static JsonPath show(String base, String runId) {
        return given().get(base + "/runs/" + runId).then().statusCode(200).extract().jsonPath();
    }

    /** Waits for the run to reach a final state. */
    public static JsonPath awaitEnd(String runId) {
        return awaitEnd(BASE, runId);
    }

    /** Waits for a run of the registry at {@code base} (/api/v1/registries/name) to reach a final state. */
    public static JsonPath awaitEnd(String base, String runId) {
        Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                .until(() -> FINAL.contains(show(base, runId).getString("status")));
        return show(base, runId);
    }

    public static String log(String runId) {
        return log(BASE, runId);
    }

    public static String log(String base, String runId) {
        return given().get(base + "/runs/" + runId + "/logs").then().statusCode(200).extract().asString();
    }

    /** A registry of its own with its admin user enabled, for tests that cross registries. */
    public record Tenant(String name, String password, String server) {
        public String base() {
            return "/api/v1/registries/" + name;
        }

        /** Calls as the registry's admin user. */
        public RequestSpecification given() {
            return RestAssured.given().auth().preemptive().basic(name, password);
        }
    }

    /** Creates a Standard registry named {@code prefix} + random letters, with its admin user's first password. */
    public static Tenant tenant(String registryUrl, String prefix) {
        String name = prefix + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        RequestSpecification admin = RestAssured.given().baseUri(registryUrl).auth().preemptive()
                .basic(TaskStackTestResource.ADMIN, TaskStackTestResource.ADMIN_PASSWORD)
                .contentType("application/json");
        admin.body(Map.of("name", name, "sku", Map.of("name", "Standard"), "adminUserEnabled", true))
                .post("/api/v1/registries").then().statusCode(201);
        String password = RestAssured.given().baseUri(registryUrl).auth().preemptive()
                .basic(TaskStackTestResource.ADMIN, TaskStackTestResource.ADMIN_PASSWORD).contentType("application/json")
                .body(Map.of("name", "password")).post("/api/v1/registries/" + name + "/credentials/regenerate")
                .then().statusCode(200).extract().jsonPath().getString("passwords[0].value");
        return new Tenant(name, password, name + ".drydock.localhost:" + java.net.URI.create(registryUrl).getPort());
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
