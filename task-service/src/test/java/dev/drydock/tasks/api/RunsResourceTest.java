package dev.drydock.tasks.api;

import static org.junit.jupiter.api.Assertions.assertThrows;
import java.util.UUID;
import java.net.UnknownHostException;
import java.net.InetAddress;
import io.restassured.specification.RequestSpecification;
import dev.drydock.events.EventTypes;
import dev.drydock.events.Topics;
import dev.drydock.devstack.events.EventTap;
import dev.drydock.tasks.testing.BaseImage;
import dev.drydock.tasks.testing.Contexts;
import dev.drydock.tasks.testing.TaskStackTestResource;
import dev.drydock.tasks.testing.TasksApi;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.drydock.tasks.testing.TasksApi.BASE;
import static dev.drydock.tasks.testing.TasksApi.awaitEnd;
import static dev.drydock.tasks.testing.TasksApi.awaitLog;
import static dev.drydock.tasks.testing.TasksApi.given;
import static dev.drydock.tasks.testing.TasksApi.log;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Quick builds and quick runs with real buildah against a real registry service, end to end through the API. */
@QuarkusTest
@WithTestResource(value = TaskStackTestResource.class, scope = TestResourceScope.GLOBAL)
class RunsResourceTest {

    private static final String SECRET = "s3cr3t-token-value";

    @ConfigProperty(name = "drydock.tasks.registry.url")
    String registryUrl;
    @ConfigProperty(name = "drydock.tasks.data-dir")
    String dataDir;

    private String registry;
    private String base;

    @BeforeEach
    void base() {
        registry = URI.create(registryUrl).getAuthority();
        base = BaseImage.reference(registry);
    }

    private String source(String dockerfile) {
        return TasksApi.upload(Contexts.tar(dockerfile));
    }

    @Test
    void multiStageBuildOnADrydockBaseIsPushedWithItsDependenciesAndMaskedSecrets() {
        String source = source("""
                ARG BASE
                FROM ${BASE} AS build
                ARG GREETING=none
                ARG TOKEN
                RUN echo "greeting=$GREETING token=$TOKEN" && echo "$GREETING" > /greeting
                FROM ${BASE}
                COPY --from=build /greeting /greeting
                """);
        String runId = TasksApi.build(Map.of("imageNames", List.of("apps/hello:{{.Run.ID}}", "apps/hello:latest"),
                "sourceLocation", source, "arguments", List.of(
                        Map.of("name", "BASE", "value", base),
                        Map.of("name", "GREETING", "value", "hello"),
                        Map.of("name", "TOKEN", "value", SECRET, "isSecret", true))));
        JsonPath run = awaitEnd(runId);
        String log = log(runId);
        assertEquals("Succeeded", run.getString("status"), log);
        assertEquals("QuickBuild", run.getString("runType"));
        assertEquals(List.of(runId, "latest"), run.getList("outputImages.tag"));
        assertEquals(List.of("apps/hello", "apps/hello"), run.getList("outputImages.repository"));
        assertEquals(List.of(registry, registry), run.getList("outputImages.registry"));
        String digest = run.getString("outputImages[0].digest");
        assertTrue(digest.startsWith("sha256:"), digest);
        assertEquals(digest, run.getString("outputImages[1].digest"));

        assertEquals(List.of(Map.of("type", "RunTime", "registry", registry, "repository", BaseImage.REPOSITORY,
                "tag", "1", "digest", BaseImage.digest())), run.getList("baseImageDependencies"), log);

        // the pushed manifest names its base, which is how the registry tracks base-image updates
        JsonPath manifest = RestAssured.given().auth().preemptive()
                .basic(TaskStackTestResource.ADMIN, TaskStackTestResource.ADMIN_PASSWORD)
                .accept("application/vnd.oci.image.manifest.v1+json")
                .get(registryUrl + "/v2/apps/hello/manifests/" + runId).then().statusCode(200)
                .extract().jsonPath();
        assertEquals(BaseImage.digest(), manifest.getString("annotations.'org.opencontainers.image.base.digest'"));
        assertTrue(manifest.getString("annotations.'org.opencontainers.image.base.name'")
                .endsWith(BaseImage.REPOSITORY + ":1"));

        assertTrue(log.contains("greeting=hello token=***"), log);
        assertFalse(log.contains(SECRET), "the secret build argument never reaches the log");
        assertFalse(TasksApi.show(runId).prettify().contains(SECRET), "nor the run's record");
        assertTrue(log.contains("runtime-dependency:"), log);
        assertTrue(log.contains("Run ID: " + runId + " was successful after"), log);
        assertTrue(log.matches("(?s)\\d{4}/\\d{2}/\\d{2} \\d{2}:\\d{2}:\\d{2} .*"), "lines are stamped ACR's way");
    }

    @Test
    void aBuildThatFailsIsFailedWithTheErrorInItsLog() {
        String runId = TasksApi.build(Map.of("imageNames", List.of("apps/broken:1"), "sourceLocation",
                source("FROM " + base + "\nRUN echo about-to-fail && exit 3\n")));
        JsonPath run = awaitEnd(runId);
        String log = log(runId);
        assertEquals("Failed", run.getString("status"), log);
        assertTrue(run.getString("runErrorMessage").startsWith("step build failed: exit status"),
                run.getString("runErrorMessage"));
        assertTrue(log.contains("about-to-fail"), log);
        assertTrue(log.contains("Step ID: build marked as failed"), log);
        assertEquals(List.of(), run.getList("outputImages"), "nothing was pushed");
        assertFalse(log.contains("Executing step ID: push"), "the push step never started");
    }

    @Test
    void cancelEndsARunningBuildAndItsProcesses() {
        String runId = TasksApi.build(Map.of("imageNames", List.of("apps/cancelled:1"), "sourceLocation",
                source("FROM " + base + "\nRUN echo sleeping-now && sleep 3017\n")));
        awaitLog(runId, "sleeping-now");
        // the shell prints before it starts sleep
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> TasksApi.processRuns("sleep 3017"));
        given().post(BASE + "/runs/" + runId + "/cancel").then().statusCode(202)
                .body("cancelRequested", equalTo(true));
        JsonPath run = awaitEnd(runId);
        assertEquals("Canceled", run.getString("status"), log(runId));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !TasksApi.processRuns("sleep 3017"));
    }

    @Test
    void aQueuedRunIsCanceledAtOnceAndAnUnknownRunIsNotFound() {
        String runId = TasksApi.build(Map.of("imageNames", List.of("apps/never:1"), "agentPoolName", "nobody-serves",
                "sourceLocation", source("FROM " + base + "\n")));
        given().post(BASE + "/runs/" + runId + "/cancel").then().statusCode(202).body("status", equalTo("Canceled"));
        given().post(BASE + "/runs/cz999/cancel").then().statusCode(404).body("error.code", equalTo("NotFound"));
    }

    @Test
    void aStepTimeoutKillsTheBuildAndEndsTheRunAsTimeout() {
        String source = source("ARG BASE\nFROM ${BASE}\nRUN echo slow-start && sleep 3023\n");
        String runId = TasksApi.run(Map.of("sourceLocation", source, "values", Map.of("base", base),
                "taskFile", """
                        version: v1.1.0
                        steps:
                          - id: slow
                            build: -t $Registry/apps/slow:$ID --build-arg BASE={{.Values.base}} .
                            timeout: 4
                        """));
        JsonPath run = awaitEnd(runId);
        assertEquals("Timeout", run.getString("status"), log(runId));
        assertTrue(run.getString("runErrorMessage").contains("exceeded its timeout of 4 s"),
                run.getString("runErrorMessage"));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !TasksApi.processRuns("sleep 3023"));
    }

    @Test
    void aBaseAlreadyInTheBuildStoreIsNotPulledAgain() {
        List<String> logs = new ArrayList<>();
        for (String round : List.of("first", "second")) {
            String runId = TasksApi.build(Map.of("imageNames", List.of("apps/stored-base:" + round), "sourceLocation",
                    source("FROM " + base + "\nRUN echo " + round + "\n")));
            assertEquals("Succeeded", awaitEnd(runId).getString("status"), log(runId));
            logs.add(log(runId));
        }
        assertTrue(logs.get(1).contains(base + " is in the build store"), logs.get(1));
        assertFalse(logs.get(1).contains("buildah pull"), logs.get(1));
    }

    @Test
    void twoBuildsRunAtTheSameTime() {
        List<String> runs = new ArrayList<>();
        for (String name : List.of("one", "two")) {
            runs.add(TasksApi.build(Map.of("imageNames", List.of("apps/parallel-" + name + ":1"), "sourceLocation",
                    source("FROM " + base + "\nRUN echo " + name + " && sleep 3\n"))));
        }
        JsonPath a = awaitEnd(runs.get(0));
        JsonPath b = awaitEnd(runs.get(1));
        assertEquals("Succeeded", a.getString("status"), log(runs.get(0)));
        assertEquals("Succeeded", b.getString("status"), log(runs.get(1)));
        Instant aStart = Instant.parse(a.getString("startTime"));
        Instant aEnd = Instant.parse(a.getString("finishTime"));
        Instant bStart = Instant.parse(b.getString("startTime"));
        Instant bEnd = Instant.parse(b.getString("finishTime"));
        assertTrue(aStart.isBefore(bEnd) && bStart.isBefore(aEnd),
                "the runs overlapped: " + aStart + ".." + aEnd + " and " + bStart + ".." + bEnd);
    }

    @Test
    void hostileContextsAreRefusedAtUploadAndLeaveNothingBehind() throws IOException {
        Path sources = Path.of(dataDir, "sources", "default");
        long before = count(sources);
        for (byte[] hostile : List.of(Contexts.entry("../escape.txt", null), Contexts.entry("/etc/escape", null),
                Contexts.entry("link", "../../etc"))) {
            given().contentType("application/x-tar").body(hostile).post(BASE + "/sources").then().statusCode(400)
                    .body("error.code", equalTo("InvalidSource"))
                    .body("error.message", containsString("refused"));
        }
        assertEquals(before, count(sources), "no source was kept");
        assertFalse(Files.exists(Path.of(dataDir, "sources", "escape.txt")));
    }

    @Test
    void aMultiStepTaskFileRunsItsStepsAsAGraph() {
        String source = TasksApi.upload(Contexts.tar("ARG BASE\nFROM ${BASE}\nRUN echo built\n",
                "other.Dockerfile", "ARG BASE\nFROM ${BASE}\nRUN echo other\n"));
        String runId = TasksApi.run(Map.of("sourceLocation", source, "values", Map.of("base", base), "taskFile", """
                version: v1.1.0
                stepTimeout: 300
                steps:
                  - id: build-a
                    build: -t $Registry/apps/multi-a:$ID --build-arg BASE={{.Values.base}} .
                  - id: build-b
                    build: -t {{.Run.Registry}}/apps/multi-b:{{.Run.ID}} -f other.Dockerfile --build-arg BASE={{.Values.base}} .
                    when: ["-"]
                  - id: push
                    push: ["$Registry/apps/multi-a:$ID", "$Registry/apps/multi-b:$ID"]
                    when: ["build-a", "build-b"]
                """));
        JsonPath run = awaitEnd(runId);
        String log = log(runId);
        assertEquals("Succeeded", run.getString("status"), log);
        assertEquals("QuickRun", run.getString("runType"));
        assertEquals(List.of("apps/multi-a", "apps/multi-b"), run.getList("outputImages.repository"));
        int pushStarts = log.indexOf("Executing step ID: push");
        assertTrue(pushStarts > log.indexOf("Step ID: build-a marked as successful")
                && pushStarts > log.indexOf("Step ID: build-b marked as successful"), log);
        assertTrue(log.indexOf("Step ID: build-a marked as successful") > 0, log);
    }

    @Test
    void taskFileErrorsComeBackWithLineAndColumnBeforeAnyRunExists() {
        given().contentType("application/json").body(Map.of("taskFile", """
                version: v1.1.0
                steps:
                  - build: -t app:1 .
                    colour: blue
                """)).post(BASE + "/runs").then().statusCode(400)
                .body("error.code", equalTo("InvalidTaskFile")).body("error.line", equalTo(4))
                .body("error.column", equalTo(5)).body("error.message", containsString("colour"));
        given().contentType("application/json").body(Map.of("taskFile", """
                steps:
                  - id: a
                    push: ["app:1"]
                    when: ["b"]
                """)).post(BASE + "/runs").then().statusCode(400)
                .body("error.line", equalTo(2)).body("error.message", containsString("'b'"));
        given().contentType("application/json").body(Map.of("taskFile", "steps:\n  - cmd: {{.Values.missing}}\n"))
                .post(BASE + "/runs").then().statusCode(400).body("error.line", equalTo(2))
                .body("error.message", containsString("missing"));
        given().contentType("application/json").body(Map.of("cmd", "x", "unknownField", 1)).post(BASE + "/runs")
                .then().statusCode(400);
    }

    @Test
    void cmdStepsRunAsOneShotGroupsInInstanceServiceAndTheirExitCodeDecides() {
        String runId = TasksApi.run(Map.of("cmd", base + " sh -c 'echo hello from a group; echo on stderr >&2'"));
        JsonPath run = awaitEnd(runId);
        String log = log(runId);
        assertEquals("Succeeded", run.getString("status"), log);
        assertTrue(log.contains("hello from a group") && log.contains("on stderr"), log);
        assertTrue(log.contains("Timeout(sec): 600"), "a --cmd run has the 600 s step default");

        String failing = TasksApi.run(Map.of("taskFile", """
                steps:
                  - id: greet
                    cmd: %s sh -c 'echo $GREETING; exit 3'
                    env: ["GREETING=hi from the step"]
                  - cmd: %s echo never
                    when: ["greet"]
                """.formatted(base, base)));
        JsonPath failed = awaitEnd(failing);
        String failedLog = log(failing);
        assertEquals("Failed", failed.getString("status"), failedLog);
        assertTrue(failedLog.contains("hi from the step"), failedLog);
        assertFalse(failedLog.contains("never\n"), failedLog);
    }

    @Test
    void aFollowedLogStreamsUntilTheRunEndsAsTextOrEvents() {
        String runId = TasksApi.build(Map.of("imageNames", List.of("apps/followed:1"), "sourceLocation",
                source("FROM " + base + "\nRUN echo tick-one && sleep 2 && echo tick-two\n")));
        String followed = given().get(BASE + "/runs/" + runId + "/logs?follow=true").then().statusCode(200)
                .extract().asString();
        assertTrue(followed.contains("tick-one") && followed.contains("tick-two"), followed);
        assertTrue(followed.contains("Run ID: " + runId + " was successful"), "the stream ends with the run");
        String events = given().accept("text/event-stream").get(BASE + "/runs/" + runId + "/logs?follow=true")
                .then().statusCode(200).extract().asString();
        assertTrue(events.contains("data:") && events.contains("was successful"), events);
    }

    @Test
    void everyStateChangeIsAnEvent() throws Exception {
        try (EventTap tap = new EventTap(Topics.TASK_EVENTS)) {
            String runId = TasksApi.build(Map.of("imageNames", List.of("apps/evented:1"), "sourceLocation",
                    source("FROM " + base + "\n")));
            awaitEnd(runId);
            EventTap.Event done = tap.await(e -> e.type().equals(EventTypes.TASK_RUN_CHANGED.type())
                    && e.key().equals("default/" + runId) && e.data().contains("\"Succeeded\""));
            assertTrue(done.data().contains("\"outputImages\""), done.data());
            List<String> states = tap.all(e -> e.key().equals("default/" + runId)).stream()
                    .map(e -> JsonPath.from(e.data()).getString("status")).toList();
            assertEquals(List.of("Queued", "Started", "Running", "Succeeded"), states);
        }
    }

    @Test
    void aRegistryWhoseLoginServerNoDnsKnowsBuildsPushesAndRunsItsImagesInCmdSteps() {
        // a tenant of Drydock's: its login server <name>.drydock.localhost is in no DNS and no /etc/hosts here
        TasksApi.Tenant tenant = TasksApi.tenant(registryUrl, "nodns");
        assertThrows(UnknownHostException.class, () -> InetAddress.getByName(tenant.name() + ".drydock.localhost"));

        // the base, imported from the default registry into the tenant's (a run pulls with its own registry's
        // credentials only); no source credentials: the administrator imports from Drydock's own registries
        String baseRepository = base.substring(base.indexOf('/') + 1);
        RestAssured.given().baseUri(registryUrl).auth().preemptive()
                .basic(TaskStackTestResource.ADMIN, TaskStackTestResource.ADMIN_PASSWORD).contentType("application/json")
                .body(Map.of("source", Map.of("registryUri", registry, "sourceImage", baseRepository),
                        "targetTags", List.of(baseRepository)))
                .post("/api/v1/registries/" + tenant.name() + "/import").then().statusCode(200);

        // the registry's own admin user is checked with its registry (before: 503, its login server unresolvable)
        tenant.given().get(tenant.base() + "/runs").then().statusCode(200);
        String source = tenant.given().contentType("application/x-tar")
                .body(Contexts.tar("FROM " + tenant.server() + "/" + baseRepository + "\nRUN echo tenant > /t\n"))
                .post(tenant.base() + "/sources").then().statusCode(201).extract().path("sourceLocation");
        String runId = tenant.given().contentType("application/json")
                .body(Map.of("imageNames", List.of("app:v1"), "sourceLocation", source)).post(tenant.base() + "/builds")
                .then().statusCode(202).extract().path("runId");
        JsonPath built = TasksApi.awaitEnd(tenant.base(), runId);
        String log = TasksApi.log(tenant.base(), runId);
        assertEquals("Succeeded", built.getString("status"), log);
        assertTrue(log.contains("buildah pull") && log.contains(tenant.server() + "/" + baseRepository), log);
        assertTrue(log.contains(tenant.server() + "/app:v1"), log);
        // pushed into the tenant's registry, not the default one
        RestAssured.given().baseUri(registryUrl).header("Host", tenant.server())
                .auth().preemptive().basic(tenant.name(), tenant.password()).get("/v2/app/tags/list").then()
                .statusCode(200).body("tags", org.hamcrest.Matchers.hasItem("v1"));

        // a cmd step runs the tenant's image in instance-service, named by its login server with and without port
        for (String image : List.of(tenant.server() + "/app:v1", tenant.name() + ".drydock.localhost/app:v1")) {
            String cmd = tenant.given().contentType("application/json").body(Map.of("cmd", image + " cat /t"))
                    .post(tenant.base() + "/runs").then().statusCode(202).extract().path("runId");
            JsonPath ran = TasksApi.awaitEnd(tenant.base(), cmd);
            String cmdLog = TasksApi.log(tenant.base(), cmd);
            assertEquals("Succeeded", ran.getString("status"), cmdLog);
            assertTrue(cmdLog.contains("tenant\n"), cmdLog);
        }
    }

    @Test
    void callersNeedTheAdministratorsOrTheRegistrysAdminCredentials() {
        RestAssured.given().get(BASE + "/runs").then().statusCode(401)
                .header("WWW-Authenticate", containsString("Basic"));
        RestAssured.given().auth().preemptive().basic(TaskStackTestResource.ADMIN, "wrong").contentType("application/json")
                .body(Map.of("cmd", "x")).post(BASE + "/runs").then().statusCode(401);
        RestAssured.given().get("/api/v1/registries/default/tasks").then().statusCode(401);
        given().get(BASE + "/runs?status=Nonsense").then().statusCode(400);
    }

    @Test
    void runsAreListedNewestFirstAndFilteredByStatusAndImage() {
        String runId = TasksApi.build(Map.of("imageNames", List.of("apps/listed:v9"), "sourceLocation",
                source("FROM " + base + "\n")));
        awaitEnd(runId);
        given().get(BASE + "/runs?image=apps/listed:v9").then().statusCode(200)
                .body("runId", equalTo(List.of(runId)));
        given().get(BASE + "/runs?image=apps/listed").then().statusCode(200).body("runId", equalTo(List.of(runId)));
        List<String> succeeded = given().get(BASE + "/runs?status=Succeeded&top=1000").then().statusCode(200)
                .extract().path("runId");
        assertTrue(succeeded.contains(runId));
        List<String> newest = given().get(BASE + "/runs?top=2").then().statusCode(200).extract().path("runId");
        assertEquals(2, newest.size());
        assertNotNull(newest.get(0));
    }

    private static long count(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.count();
        }
    }
}
