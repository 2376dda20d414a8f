package dev.drydock.tasks.api;

import dev.drydock.devstack.GitServer;
import dev.drydock.tasks.testing.BaseImage;
import dev.drydock.tasks.testing.Contexts;
import dev.drydock.tasks.testing.TaskStackTestResource;
import dev.drydock.tasks.testing.TasksApi;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.drydock.tasks.testing.TasksApi.BASE;
import static dev.drydock.tasks.testing.TasksApi.awaitEnd;
import static dev.drydock.tasks.testing.TasksApi.given;
import static dev.drydock.tasks.testing.TasksApi.log;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Saved tasks: create, show, list, update, run on demand with a Git source, run history, delete. */
@QuarkusTest
@WithTestResource(value = TaskStackTestResource.class, scope = TestResourceScope.GLOBAL)
class TasksResourceTest {

    private static final String SECRET = "task-secret-value-42";

    @ConfigProperty(name = "drydock.tasks.registry.url")
    String registryUrl;

    @TempDir
    Path temp;

    @Test
    void aTaskWithCredentialsPullsFromAndPushesToOtherRegistriesAndOnlyTheAdministratorLendsItsIdentity() {
        String registry = URI.create(registryUrl).getAuthority();
        String base = BaseImage.reference(registry);
        TasksApi.Tenant home = TasksApi.tenant(registryUrl, "home");
        TasksApi.Tenant other = TasksApi.tenant(registryUrl, "other");
        String source = home.given().contentType("application/x-tar")
                .body(Contexts.tar("FROM " + base + "\nRUN echo crossed > /c\n")).post(home.base() + "/sources")
                .then().statusCode(201).extract().path("sourceLocation");
        home.given().contentType("application/json").body(Map.of("name", "crosser", "step", Map.of("type", "Docker",
                "contextPath", source, "imageNames", List.of(other.server() + "/crossed:{{.Run.ID}}"))))
                .post(home.base() + "/tasks").then().statusCode(201);
        String credentials = home.base() + "/tasks/crosser/credentials/";

        // a registry's admin user may not lend itself the task service's identity, which reaches every registry
        home.given().contentType("application/json").body(Map.of("identity", "[system]"))
                .put(credentials + registry).then().statusCode(403).body("error.code", equalTo("Forbidden"));
        home.given().contentType("application/json").body(Map.of("identity", "[system]"))
                .put(credentials + "ghcr.io").then().statusCode(400);
        home.given().contentType("application/json").body(Map.of("username", "x"))
                .put(credentials + other.server()).then().statusCode(400);
        home.given().contentType("application/json").body(Map.of("username", "x", "password", "y"))
                .put(credentials + "not a server").then().statusCode(400);

        home.given().contentType("application/json").body(Map.of("username", other.name(), "password",
                other.password())).put(credentials + other.server()).then().statusCode(200)
                .body("'" + other.server() + "'.username", equalTo(other.name()));
        given().contentType("application/json").body(Map.of("identity", "[system]"))
                .put(credentials + registry).then().statusCode(200);
        String listed = home.given().get(home.base() + "/tasks/crosser/credentials").then().statusCode(200)
                .body("'" + registry + "'.identity", equalTo("[system]")).extract().asString();
        String shown = home.given().get(home.base() + "/tasks/crosser").then().statusCode(200).extract().asString();
        assertFalse(listed.contains(other.password()) || shown.contains(other.password()), "passwords never show");

        String runId = home.given().contentType("application/json").body(Map.of()).post(home.base()
                + "/tasks/crosser/runs").then().statusCode(202).extract().path("runId");
        JsonPath run = TasksApi.awaitEnd(home.base(), runId);
        String log = TasksApi.log(home.base(), runId);
        assertEquals("Succeeded", run.getString("status"), log);
        assertFalse(log.contains(other.password()), log);
        other.given().baseUri(registryUrl).header("Host", other.server()).get("/v2/crossed/tags/list").then()
                .statusCode(200).body("tags", hasItem(runId));

        // without the credential the same task cannot push there: the run's own token stops at its registry
        home.given().delete(credentials + other.server()).then().statusCode(204);
        home.given().delete(credentials + other.server()).then().statusCode(404);
        String denied = home.given().contentType("application/json").body(Map.of()).post(home.base()
                + "/tasks/crosser/runs").then().statusCode(202).extract().path("runId");
        assertEquals("Failed", TasksApi.awaitEnd(home.base(), denied).getString("status"));
        other.given().baseUri(registryUrl).header("Host", other.server()).get("/v2/crossed/tags/list").then()
                .statusCode(200).body("tags", org.hamcrest.Matchers.not(hasItem(denied)));
    }

    @Test
    void aSavedTaskBuildsFromGitAtItsBranchAndFolderAndKeepsItsRunHistory() {
        String registry = URI.create(registryUrl).getAuthority();
        String base = BaseImage.reference(registry);
        try (GitServer git = GitServer.start(temp)) {
            String commit = git.repository("webapp", "release", Map.of(
                    "app/Dockerfile", "ARG BASE\nFROM ${BASE}\nARG KEY\nRUN echo \"key=$KEY\" && echo from-git > /origin\n",
                    "README", "not the context"));
            Map<String, Object> task = Map.of("name", "webapp-build", "timeout", 900, "step", Map.of(
                    "type", "Docker", "contextPath", git.url("webapp") + "#release:app",
                    "imageNames", List.of("apps/webapp:{{.Run.ID}}"),
                    "arguments", List.of(Map.of("name", "BASE", "value", base),
                            Map.of("name", "KEY", "value", SECRET, "isSecret", true))));
            given().contentType("application/json").body(task).post(BASE + "/tasks").then().statusCode(201)
                    .body("name", equalTo("webapp-build")).body("status", equalTo("Enabled"))
                    .body("timeout", equalTo(900)).body("step.arguments[1].value", nullValue())
                    .body("step.arguments[1].isSecret", equalTo(true));
            given().contentType("application/json").body(task).post(BASE + "/tasks").then().statusCode(409);
            given().get(BASE + "/tasks").then().statusCode(200).body("name", hasItem("webapp-build"));
            assertFalse(given().get(BASE + "/tasks/WEBAPP-build").then().statusCode(200).extract().asString()
                    .contains(SECRET), "secret values are never shown");

            String runId = given().contentType("application/json").body(Map.of()).post(BASE + "/tasks/webapp-build/runs")
                    .then().statusCode(202).body("task", equalTo("webapp-build")).body("runType", equalTo("AutoBuild"))
                    .extract().path("runId");
            JsonPath run = awaitEnd(runId);
            String log = log(runId);
            assertEquals("Succeeded", run.getString("status"), log);
            assertEquals(commit, run.getString("sourceCommit"));
            assertEquals("Manual", run.getString("trigger"));
            assertTrue(log.contains("key=***") && !log.contains(SECRET), log);
            assertTrue(log.contains("git-head-revision: " + commit), log);
            assertEquals(List.of(runId), run.getList("outputImages.tag"));

            given().get(BASE + "/runs?task=webapp-build").then().statusCode(200)
                    .body("runId", equalTo(List.of(runId)));

            // a run may override arguments; a disabled task does not run
            given().contentType("application/json").body(Map.of("status", "Disabled", "timeout", 1200))
                    .patch(BASE + "/tasks/webapp-build").then().statusCode(200).body("status", equalTo("Disabled"))
                    .body("timeout", equalTo(1200)).body("step.type", equalTo("Docker"));
            given().contentType("application/json").body(Map.of()).post(BASE + "/tasks/webapp-build/runs").then()
                    .statusCode(400).body("error.message", containsString("disabled"));

            given().delete(BASE + "/tasks/webapp-build").then().statusCode(204);
            given().get(BASE + "/tasks/webapp-build").then().statusCode(404);
            given().get(BASE + "/runs/" + runId).then().statusCode(200).body("task", equalTo("webapp-build"));
        }
    }

    @Test
    void aDockerfileLinkingOutOfItsGitSourceIsRefused() {
        try (GitServer git = GitServer.start(temp)) {
            git.repository("sneaky", "main", Map.of("Dockerfile@link", "/etc/passwd"));
            String runId = TasksApi.build(Map.of("imageNames", List.of("apps/sneaky:1"),
                    "sourceLocation", git.url("sneaky") + "#main"));
            JsonPath run = awaitEnd(runId);
            assertEquals("Failed", run.getString("status"));
            assertTrue(run.getString("runErrorMessage").contains("leaves the source"), run.getString("runErrorMessage"));
            assertFalse(log(runId).contains("root:"), "nothing of the host file reaches the log");
        }
    }

    @Test
    void aGitSourceThatCannotBeClonedFailsTheRunWithTheReason() {
        String runId = TasksApi.build(Map.of("imageNames", List.of("apps/nowhere:1"),
                "sourceLocation", "git://127.0.0.1:9/missing.git#main"));
        JsonPath run = awaitEnd(runId);
        assertEquals("Failed", run.getString("status"));
        assertTrue(run.getString("runErrorMessage").contains("git clone failed"), run.getString("runErrorMessage"));
    }

    @Test
    void aFileTaskKeepsItsValuesAndRunsWithOverrides() {
        String registry = URI.create(registryUrl).getAuthority();
        String base = BaseImage.reference(registry);
        String source = TasksApi.upload(Contexts.tar("ARG BASE\nFROM ${BASE}\nRUN echo file-task\n"));
        given().contentType("application/json").body(Map.of("name", "file-task", "step", Map.of(
                "type", "FileTask", "contextPath", source, "taskFileContent", """
                        steps:
                          - build: -t {{.Values.image}} --build-arg BASE={{.Values.base}} .
                          - push: ["{{.Values.image}}"]
                        """,
                "values", Map.of("image", "apps/file-task:default", "base", base)))).post(BASE + "/tasks").then()
                .statusCode(201).body("step.values.image", equalTo("apps/file-task:default"));
        String runId = given().contentType("application/json")
                .body(Map.of("values", Map.of("image", "apps/file-task:overridden")))
                .post(BASE + "/tasks/file-task/runs").then().statusCode(202).body("runType", equalTo("AutoRun"))
                .extract().path("runId");
        JsonPath run = awaitEnd(runId);
        assertEquals("Succeeded", run.getString("status"), log(runId));
        assertEquals(List.of("overridden"), run.getList("outputImages.tag"));
        assertEquals(List.of(registry), run.getList("outputImages.registry"), "unqualified names are the run's registry's");
        given().delete(BASE + "/tasks/file-task").then().statusCode(204);
    }

    @Test
    void invalidTasksAreRefusedWithTheReason() {
        given().contentType("application/json").body(Map.of("name", "bad", "step", Map.of("type", "Docker",
                "imageNames", List.of("a:1")))).post(BASE + "/tasks").then().statusCode(400)
                .body("error.message", containsString("task name"));
        given().contentType("application/json").body(Map.of("name", "nostep-task")).post(BASE + "/tasks").then()
                .statusCode(400).body("error.message", containsString("step"));
        given().contentType("application/json").body(Map.of("name", "timeout-task", "timeout", 10, "step",
                Map.of("type", "Docker", "imageNames", List.of("a:1")))).post(BASE + "/tasks").then().statusCode(400)
                .body("error.message", containsString("timeout"));
        given().contentType("application/json").body(Map.of("name", "yaml-task", "step", Map.of("type", "FileTask",
                "taskFileContent", "steps:\n  - build: --frobnicate .\n"))).post(BASE + "/tasks").then()
                .statusCode(400).body("error.line", equalTo(2)).body("error.message", containsString("frobnicate"));
        given().contentType("application/json").body(Map.of("name", "secret-task", "step", Map.of("type", "Docker",
                "imageNames", List.of("a:1"), "arguments", List.of(Map.of("name", "K", "value", "ab",
                        "isSecret", true))))).post(BASE + "/tasks").then().statusCode(400)
                .body("error.message", containsString("at least"));
        given().get(BASE + "/tasks").then().statusCode(200).body("name", not(hasItem("secret-task")));
    }
}
