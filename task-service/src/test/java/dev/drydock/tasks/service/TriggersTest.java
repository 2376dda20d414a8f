package dev.drydock.tasks.service;

import dev.drydock.devstack.GitServer;
import dev.drydock.devstack.RegistryTestResource;
import dev.drydock.devstack.TestKafka;
import dev.drydock.events.CloudEventHeaders;
import dev.drydock.events.EventTypes;
import dev.drydock.events.KafkaPrincipals;
import dev.drydock.events.Topics;
import dev.drydock.events.registry.BaseImageUpdated;
import dev.drydock.tasks.persistence.ParkedEvents;
import dev.drydock.tasks.testing.BaseImage;
import dev.drydock.tasks.testing.Contexts;
import dev.drydock.tasks.testing.TaskStackTestResource;
import dev.drydock.tasks.testing.TasksApi;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.drydock.tasks.testing.TasksApi.BASE;
import static dev.drydock.tasks.testing.TasksApi.awaitEnd;
import static dev.drydock.tasks.testing.TasksApi.given;
import static dev.drydock.tasks.testing.TasksApi.log;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Triggers end to end: a real registry's base-image events, commit events from a producer, timers. */
@QuarkusTest
@WithTestResource(value = TaskStackTestResource.class, scope = TestResourceScope.GLOBAL)
class TriggersTest {

    private static final Duration PATIENCE = Duration.ofMinutes(3);

    @ConfigProperty(name = "drydock.tasks.registry.url")
    String registryUrl;
    @Inject
    Triggers triggers;
    @Inject
    ParkedEvents parked;

    @TempDir
    Path temp;

    private String registry() {
        return URI.create(registryUrl).getAuthority();
    }

    /** Builds (or rebuilds) repository:1 from scratch with a marker file, as a team pushes a new base. */
    private String pushBase(String repository, String marker) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("Dockerfile", "FROM scratch\nCOPY busybox /bin/busybox\nCOPY marker /marker\n".getBytes());
        files.put("busybox@exec", Contexts.busybox());
        files.put("marker", marker.getBytes());
        String runId = TasksApi.build(Map.of("imageNames", List.of(repository + ":1"),
                "sourceLocation", TasksApi.upload(Contexts.tar(files))));
        JsonPath run = awaitEnd(runId);
        assertEquals("Succeeded", run.getString("status"), log(runId));
        return run.getString("outputImages[0].digest");
    }

    private List<Map<String, Object>> runsOf(String task) {
        return given().get(BASE + "/runs?top=100&task=" + task).then().statusCode(200).extract().jsonPath()
                .getList("$");
    }

    private JsonPath awaitTriggeredRun(String task, String trigger) {
        Awaitility.await().atMost(PATIENCE).pollInterval(Duration.ofMillis(250))
                .until(() -> runsOf(task).stream().anyMatch(r -> trigger.equals(r.get("trigger"))));
        String runId = (String) runsOf(task).stream().filter(r -> trigger.equals(r.get("trigger"))).findFirst()
                .orElseThrow().get("runId");
        return awaitEnd(runId);
    }

    @Test
    void aBasePushedFromOutsideReplacesTheCopyInTheBuildStore() throws Exception {
        String repository = "base/outside-" + UUID.randomUUID().toString().substring(0, 8);
        pushBase(repository, "marker-one");
        String source = TasksApi.upload(Contexts.tar("FROM " + registry() + "/" + repository + ":1\n"
                + "RUN [\"/bin/busybox\", \"cat\", \"/marker\"]\n"));
        String first = TasksApi.build(Map.of("imageNames", List.of(repository + "-app:1"), "sourceLocation", source));
        assertEquals("Succeeded", awaitEnd(first).getString("status"), log(first));
        assertTrue(log(first).contains("marker-one"), log(first));

        // a new base under the same tag, pushed by a client from its own storage, not through this task service
        String elsewhere = "base/elsewhere-" + UUID.randomUUID().toString().substring(0, 8);
        String newDigest = pushBase(elsewhere, "marker-two");
        String auth = RegistryTestResource.ADMIN + ":" + RegistryTestResource.ADMIN_PASSWORD;
        Process copy = new ProcessBuilder("skopeo", "copy", "--insecure-policy", "--src-tls-verify=false",
                "--dest-tls-verify=false", "--src-creds", auth, "--dest-creds", auth,
                "docker://" + registry() + "/" + elsewhere + ":1", "docker://" + registry() + "/" + repository + ":1")
                .redirectErrorStream(true).start();
        String copied = new String(copy.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(copy.waitFor(60, TimeUnit.SECONDS), "skopeo copy did not end");
        assertEquals(0, copy.exitValue(), copied);

        String second = TasksApi.build(Map.of("imageNames", List.of(repository + "-app:2"), "sourceLocation", source));
        JsonPath run = awaitEnd(second);
        assertEquals("Succeeded", run.getString("status"), log(second));
        assertTrue(log(second).contains("marker-two"), "built on the stale copy: " + log(second));
        assertEquals(newDigest, run.getString("baseImageDependencies[0].digest"));
    }

    @Test
    void aNewBaseImageRebuildsTheTasksBuiltOnItOnce() {
        String baseRepository = "base/trigger-" + UUID.randomUUID().toString().substring(0, 8);
        String first = pushBase(baseRepository, "one");
        String source = TasksApi.upload(Contexts.tar("ARG BASE\nFROM ${BASE}\nRUN [\"/bin/busybox\", \"true\"]\n"));
        String task = "on-base-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType("application/json").body(Map.of("name", task, "step", Map.of("type", "Docker",
                "contextPath", source, "imageNames", List.of("apps/" + task + ":{{.Run.ID}}"),
                "arguments", List.of(Map.of("name", "BASE", "value", registry() + "/" + baseRepository + ":1")))))
                .post(BASE + "/tasks").then().statusCode(201);
        String manual = given().contentType("application/json").body(Map.of()).post(BASE + "/tasks/" + task + "/runs")
                .then().statusCode(202).extract().path("runId");
        assertEquals(first, awaitEnd(manual).getString("baseImageDependencies[0].digest"));

        String second = pushBase(baseRepository, "two");
        assertNotEquals(first, second);
        JsonPath rebuilt = awaitTriggeredRun(task, "Image Update");
        assertEquals("Succeeded", rebuilt.getString("status"), log(rebuilt.getString("runId")));
        assertEquals("AutoBuild", rebuilt.getString("runType"));
        assertEquals(second, rebuilt.getString("baseImageDependencies[0].digest"), "built on the new base");
        assertEquals(second, rebuilt.getString("imageUpdateTrigger.images[0].digest"));
        String eventId = rebuilt.getString("imageUpdateTrigger.id");

        // the same event again (a redelivery, another replica) queues nothing
        triggers.baseImageUpdated(eventId, Instant.now(), new BaseImageUpdated("default",
                new BaseImageUpdated.Base(baseRepository, "1"), first, second, List.of())).await().atMost(PATIENCE);
        assertEquals(1, runsOf(task).stream().filter(r -> "Image Update".equals(r.get("trigger"))).count());

        // a task whose trigger is off stays put
        given().contentType("application/json").body(Map.of("trigger", Map.of("baseImageTrigger",
                Map.of("status", "Disabled")))).patch(BASE + "/tasks/" + task).then().statusCode(200);
        triggers.baseImageUpdated(UUID.randomUUID().toString(), Instant.now(), new BaseImageUpdated("default",
                new BaseImageUpdated.Base(baseRepository, "1"), second, "sha256:" + "0".repeat(64), List.of()))
                .await().atMost(PATIENCE);
        assertEquals(1, runsOf(task).stream().filter(r -> "Image Update".equals(r.get("trigger"))).count());
    }

    @Test
    void buildTimeBasesTriggerOnlyTasksWhoseTriggerTypeIsAll() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String tools = "base/tools-" + suffix;
        String runtime = "base/runtime-" + suffix;
        pushBase(tools, "tools-one");
        pushBase(runtime, "runtime-one");
        String source = TasksApi.upload(Contexts.tar("ARG TOOLS\nARG RUNTIME\nFROM ${TOOLS} AS tools\n"
                + "FROM ${RUNTIME}\nCOPY --from=tools /marker /tools-marker\n"));
        for (String type : List.of("All", "Runtime")) {
            String task = type.toLowerCase() + "-" + suffix;
            given().contentType("application/json").body(Map.of("name", task, "step", Map.of("type", "Docker",
                    "contextPath", source, "imageNames", List.of("apps/" + task + ":{{.Run.ID}}"), "arguments", List.of(
                            Map.of("name", "TOOLS", "value", registry() + "/" + tools + ":1"),
                            Map.of("name", "RUNTIME", "value", registry() + "/" + runtime + ":1"))),
                    "trigger", Map.of("baseImageTrigger", Map.of("baseImageTriggerType", type))))
                    .post(BASE + "/tasks").then().statusCode(201)
                    .body("trigger.baseImageTrigger.baseImageTriggerType", equalTo(type));
            String runId = given().contentType("application/json").body(Map.of()).post(BASE + "/tasks/" + task
                    + "/runs").then().statusCode(202).extract().path("runId");
            JsonPath run = awaitEnd(runId);
            assertEquals(List.of("RunTime", "BuildTime"), run.getList("baseImageDependencies.type"), log(runId));
        }
        String newTools = pushBase(tools, "tools-two");
        JsonPath rebuilt = awaitTriggeredRun("all-" + suffix, "Image Update");
        assertEquals(newTools, rebuilt.getString("imageUpdateTrigger.images[0].digest"));
        // the same events were applied for both tasks before the first one's run existed
        assertEquals(0, runsOf("runtime-" + suffix).stream().filter(r -> "Image Update".equals(r.get("trigger")))
                .count(), "a Runtime trigger ignores build-time bases");
    }

    @Test
    void aTaskThatPushesNothingIsStillRebuiltWhenItsBaseIsPushed() {
        String baseRepository = "base/nopush-" + UUID.randomUUID().toString().substring(0, 8);
        String first = pushBase(baseRepository, "one");
        String source = TasksApi.upload(Contexts.tar("ARG BASE\nFROM ${BASE}\nRUN [\"/bin/busybox\", \"true\"]\n"));
        String task = "no-push-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType("application/json").body(Map.of("name", task, "step", Map.of("type", "Docker",
                "contextPath", source, "imageNames", List.of(), "isPushEnabled", false,
                "arguments", List.of(Map.of("name", "BASE", "value", registry() + "/" + baseRepository + ":1")))))
                .post(BASE + "/tasks").then().statusCode(201);
        String manual = given().contentType("application/json").body(Map.of()).post(BASE + "/tasks/" + task + "/runs")
                .then().statusCode(202).extract().path("runId");
        assertEquals(first, awaitEnd(manual).getString("baseImageDependencies[0].digest"));

        // no stored image names this base, so only image.pushed can tell the task
        String second = pushBase(baseRepository, "two");
        JsonPath rebuilt = awaitTriggeredRun(task, "Image Update");
        assertEquals("Succeeded", rebuilt.getString("status"), log(rebuilt.getString("runId")));
        assertEquals(second, rebuilt.getString("baseImageDependencies[0].digest"));
    }

    @Test
    void aCommitEventBuildsThatCommitAndBadEventsAreParkedWithoutBlocking() {
        String base = BaseImage.reference(registry());
        try (GitServer git = GitServer.start(temp);
                KafkaProducer<String, byte[]> producer = producer()) {
            String commit = git.repository("triggered", "main", Map.of("Dockerfile",
                    "ARG BASE\nFROM ${BASE}\nRUN echo from-commit\n"));
            String task = "on-commit-" + UUID.randomUUID().toString().substring(0, 8);
            given().contentType("application/json").body(Map.of("name", task, "step", Map.of("type", "Docker",
                    "contextPath", git.url("triggered"), "imageNames", List.of("apps/" + task + ":{{.Run.ID}}"),
                    "arguments", List.of(Map.of("name", "BASE", "value", base))))).post(BASE + "/tasks").then()
                    .statusCode(201);
            long parkedBefore = parked.count(Topics.SOURCE_EVENTS).await().atMost(PATIENCE);

            send(producer, EventTypes.SOURCE_COMMIT_PUSHED.type(), "{not json");
            send(producer, "dev.example.unknown", "{}");
            send(producer, EventTypes.SOURCE_COMMIT_PUSHED.type(), "{\"repositoryUrl\":\"" + git.url("triggered")
                    + "\",\"branch\":\"main\"}");
            send(producer, EventTypes.SOURCE_COMMIT_PUSHED.type(), "{\"repositoryUrl\":\"" + git.url("triggered")
                    + "/\",\"branch\":\"main\",\"commit\":\"" + commit + "\",\"author\":\"dev\"}");

            JsonPath run = awaitTriggeredRun(task, "Commit");
            assertEquals("Succeeded", run.getString("status"), log(run.getString("runId")));
            assertEquals(commit, run.getString("sourceCommit"));
            assertEquals(commit, run.getString("sourceTrigger.commitId"));
            Awaitility.await().atMost(PATIENCE).until(() -> parked.count(Topics.SOURCE_EVENTS).await()
                    .atMost(PATIENCE) == parkedBefore + 3);
        }
    }

    @Test
    void aTimerFiresOnceAtItsTimeWhateverTheNumberOfReplicas() {
        String base = BaseImage.reference(registry());
        String source = TasksApi.upload(Contexts.tar("ARG BASE\nFROM ${BASE}\n"));
        String task = "on-timer-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType("application/json").body(Map.of("name", task, "step", Map.of("type", "Docker",
                "contextPath", source, "imageNames", List.of("apps/" + task + ":{{.Run.ID}}"),
                "arguments", List.of(Map.of("name", "BASE", "value", base))), "trigger", Map.of("timerTriggers",
                List.of(Map.of("name", "every-minute", "schedule", "* * * * *"))))).post(BASE + "/tasks").then()
                .statusCode(201);
        String next = given().get(BASE + "/tasks/" + task).then().statusCode(200).extract()
                .path("trigger.timerTriggers[0].nextFireTime");
        assertNotNull(next);
        JsonPath run = awaitTriggeredRun(task, "Timer");
        assertEquals("Succeeded", run.getString("status"), log(run.getString("runId")));
        assertEquals(next, run.getString("timerTrigger.scheduleOccurrence"));

        // two more replicas look at the same moment: the occurrence is taken
        Instant at = Instant.parse(next).plusSeconds(1);
        CompletableFuture<Integer> a = CompletableFuture.supplyAsync(() -> triggers.fireTimers(at).await().atMost(PATIENCE));
        CompletableFuture<Integer> b = CompletableFuture.supplyAsync(() -> triggers.fireTimers(at).await().atMost(PATIENCE));
        a.join();
        b.join();
        assertEquals(1, runsOf(task).stream().filter(r -> "Timer".equals(r.get("trigger"))).count());
        given().contentType("application/json").body(Map.of("trigger", Map.of("timerTriggers",
                List.of(Map.of("name", "bad", "schedule", "* * *"))))).patch(BASE + "/tasks/" + task).then()
                .statusCode(400);
        given().delete(BASE + "/tasks/" + task).then().statusCode(204);
    }

    private KafkaProducer<String, byte[]> producer() {
        // as a git hook announcing commits would
        return new KafkaProducer<>(TestKafka.as(KafkaPrincipals.SOURCES).clientConfig(),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** A CloudEvent in binary mode, as an outside producer writes one. */
    private static void send(KafkaProducer<String, byte[]> producer, String type, String json) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.SOURCE_EVENTS, "repo",
                json.getBytes(StandardCharsets.UTF_8));
        record.headers().add(CloudEventHeaders.SPEC_VERSION, "1.0".getBytes())
                .add(CloudEventHeaders.ID, UUID.randomUUID().toString().getBytes())
                .add(CloudEventHeaders.SOURCE, "/tests".getBytes())
                .add(CloudEventHeaders.TYPE, type.getBytes())
                .add(CloudEventHeaders.TIME, Instant.now().toString().getBytes())
                .add(CloudEventHeaders.CONTENT_TYPE, "application/json".getBytes());
        try {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
