package dev.drydock.tasks.service;

import dev.drydock.devstack.registry.RegistryFixture;
import dev.drydock.tasks.testing.TaskStackTestResource;
import dev.drydock.tasks.testing.TasksApi;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static dev.drydock.tasks.testing.TasksApi.BASE;
import static dev.drydock.tasks.testing.TasksApi.awaitEnd;
import static dev.drydock.tasks.testing.TasksApi.given;
import static dev.drydock.tasks.testing.TasksApi.log;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** acr purge, built in, against a real registry prepared with tags, untagged images, an index, a referrer, locks. */
@QuarkusTest
@WithTestResource(value = TaskStackTestResource.class, scope = TestResourceScope.GLOBAL)
class PurgerTest {

    @ConfigProperty(name = "drydock.tasks.registry.url")
    String registryUrl;

    private record Prepared(String repository, Map<String, String> digests) {
    }

    /** v0 (locked) … v4 in push order, an untagged image, a tagged index of two untagged children, a referrer. */
    private Prepared prepare(RegistryFixture registry) {
        String repository = "purge/" + UUID.randomUUID().toString().substring(0, 8) + "/app";
        Map<String, String> digests = new LinkedHashMap<>();
        for (int i = 0; i <= 4; i++) {
            digests.put("v" + i, registry.image(repository, "v" + i, "v" + i, null));
        }
        registry.lockTag(repository, "v0");
        digests.put("untagged", registry.image(repository, null, "untagged", null));
        String c1 = registry.image(repository, null, "child-1", null);
        String c2 = registry.image(repository, null, "child-2", null);
        digests.put("c1", c1);
        digests.put("c2", c2);
        digests.put("multi", registry.index(repository, "multi", List.of(c1, c2)));
        digests.put("referrer", registry.image(repository, null, "signature", digests.get("v1")));
        return new Prepared(repository, digests);
    }

    private JsonPath purge(String command) {
        String runId = TasksApi.run(Map.of("cmd", command));
        JsonPath run = awaitEnd(runId);
        assertEquals("Succeeded", run.getString("status"), log(runId));
        return run;
    }

    private static Set<String> lines(String log, String prefix) {
        return Arrays.stream(log.split("\n")).map(l -> l.length() > 20 ? l.substring(20) : l)
                .filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length()).replace(
                        " (it was already gone)", "")).filter(l -> !l.startsWith("tags for repository"))
                .collect(Collectors.toSet());
    }

    @Test
    void aDryRunReportsExactlyWhatThePurgeThenDeletes() {
        RegistryFixture registry = new RegistryFixture(registryUrl);
        Prepared p = prepare(registry);
        String command = "acr purge --filter '" + p.repository() + ":^v' --ago 0d --keep 1 --untagged --concurrency 4";

        JsonPath dry = purge(command + " --dry-run");
        String dryLog = log(dry.getString("runId"));
        assertTrue(dryLog.contains("Number of tags to be deleted: 3"), dryLog);
        // --keep applies to the manifest phase too: the newest candidate (the untagged image) stays
        assertTrue(dryLog.contains("Number of manifests to be deleted: 3"), dryLog);
        assertEquals(Set.of("v0", "v1", "v2", "v3", "v4", "multi"), Set.copyOf(registry.tags(p.repository())),
                "a dry run deletes nothing");

        JsonPath real = purge(command);
        String realLog = log(real.getString("runId"));
        assertTrue(realLog.contains("Number of deleted tags: 3"), realLog);
        assertTrue(realLog.contains("Number of deleted manifests: 3"), realLog);
        assertEquals(lines(dryLog, "Would delete "), lines(realLog, "Deleted "), "the same set, both ways");

        // the newest matching tag is kept, the locked one skipped; the index keeps its untagged children
        assertEquals(Set.of("v0", "v4", "multi"), Set.copyOf(registry.tags(p.repository())));
        for (String gone : List.of("v1", "v2", "v3")) {
            assertEquals(404, registry.manifestStatus(p.repository(), p.digests().get(gone)), gone);
        }
        for (String kept : List.of("v0", "v4", "multi", "c1", "c2", "untagged")) {
            assertEquals(200, registry.manifestStatus(p.repository(), p.digests().get(kept)), kept);
        }
    }

    @Test
    void lockedTagsGoOnlyWithIncludeLockedAndYoungManifestsStay() {
        RegistryFixture registry = new RegistryFixture(registryUrl);
        Prepared p = prepare(registry);
        JsonPath young = purge("acr purge --filter '" + p.repository() + ":.*' --untagged-only --ago 1h");
        assertTrue(log(young.getString("runId")).contains("Number of deleted manifests: 0"));
        assertEquals(200, registry.manifestStatus(p.repository(), p.digests().get("untagged")));

        JsonPath locked = purge("acr purge --filter '" + p.repository() + ":^v0$' --ago 0d");
        assertTrue(log(locked.getString("runId")).contains("Number of deleted tags: 0"));
        JsonPath unlocked = purge("acr purge --filter '" + p.repository() + ":^v0$' --ago 0d --include-locked");
        String unlockedLog = log(unlocked.getString("runId"));
        assertTrue(unlockedLog.contains("Unlocked ") && unlockedLog.contains("Number of deleted tags: 1"),
                unlockedLog);
        assertTrue(!registry.tags(p.repository()).contains("v0"));

        JsonPath untagged = purge("acr purge --filter '" + p.repository() + ":.*' --untagged-only --ago 0d");
        String untaggedLog = log(untagged.getString("runId"));
        // the untagged image and v0's now untagged manifest go; the index's children and the referrer stay
        assertTrue(untaggedLog.contains("Number of deleted manifests: 2"), untaggedLog);
        assertEquals(200, registry.manifestStatus(p.repository(), p.digests().get("c1")));
        assertEquals(200, registry.manifestStatus(p.repository(), p.digests().get("referrer")));
    }

    @Test
    void aPurgeTaskRunsOnItsTimerAndBadFlagsAreRefusedUpFront() {
        given().contentType("application/json").body(Map.of("cmd", "acr purge --filter 'a:.*'")).post(BASE + "/runs")
                .then().statusCode(400).body("error.message", containsString("--ago"));
        given().contentType("application/json").body(Map.of("name", "nightly-purge", "step", Map.of(
                "type", "EncodedTask", "cmd", "acr purge --filter 'none/such:.*' --ago 7d", "contextPath", "/dev/null"),
                "trigger", Map.of("timerTriggers", List.of(Map.of("schedule", "0 1 * * Sun"))))).post(BASE + "/tasks")
                .then().statusCode(201).body("trigger.timerTriggers[0].name", equalTo("t1"));
        String runId = given().contentType("application/json").body(Map.of()).post(BASE + "/tasks/nightly-purge/runs")
                .then().statusCode(202).extract().path("runId");
        JsonPath run = awaitEnd(runId);
        assertEquals("Succeeded", run.getString("status"), log(runId));
        assertTrue(log(runId).contains("Number of deleted tags: 0"));
        given().delete(BASE + "/tasks/nightly-purge").then().statusCode(204);
    }
}
