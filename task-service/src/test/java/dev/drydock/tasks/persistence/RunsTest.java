package dev.drydock.tasks.persistence;

import dev.drydock.tasks.testing.TaskStackTestResource;
import dev.drydock.tasks.domain.RunStatus;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@WithTestResource(value = TaskStackTestResource.class, scope = TestResourceScope.GLOBAL)
class RunsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String POOL = "runs-test";

    @Inject
    Runs runs;
    @Inject
    Pool pool;

    private Runs.Run create(String registry) {
        // a pool no worker of the application serves: only this test claims these runs
        return runs.create(new Runs.NewRun(registry, null, "QuickBuild", "Manual", "linux/amd64",
                new JsonObject().put("dockerfile", "Dockerfile"), 3600, Map.of(), POOL, null)).await().atMost(PATIENCE);
    }

    /** Claims for {@code worker} until {@code run} is among the claimed (other tests' runs may be queued too). */
    private void claimUntil(Runs.Run run, String worker) {
        List<Runs.Run> claimed;
        do {
            claimed = runs.claim(worker, POOL, 100).await().atMost(PATIENCE);
        } while (claimed.stream().noneMatch(r -> r.id() == run.id()) && !claimed.isEmpty());
    }

    @Test
    void runIdsCountPerRegistry() {
        String a = "reg" + UUID.randomUUID().toString().substring(0, 8);
        String b = "reg" + UUID.randomUUID().toString().substring(0, 8);
        assertEquals("ca1", create(a).runId());
        assertEquals("ca2", create(a).runId());
        assertEquals("ca1", create(b).runId());
        Runs.Run found = runs.find(a, "ca2").await().atMost(PATIENCE);
        assertEquals(RunStatus.Queued, found.status());
        assertEquals("Dockerfile", found.request().getString("dockerfile"));
    }

    @Test
    void concurrentWorkersNeverClaimARunTwice() throws Exception {
        String registry = "claim" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 30; i++) {
            create(registry);
        }
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            List<Future<List<Runs.Run>>> workers = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                String worker = "worker-" + w;
                workers.add(threads.submit(() -> {
                    List<Runs.Run> mine = new ArrayList<>();
                    List<Runs.Run> batch;
                    do {
                        batch = runs.claim(worker, POOL, 2).await().atMost(PATIENCE);
                        mine.addAll(batch);
                    } while (!batch.isEmpty());
                    return mine;
                }));
            }
            Set<Long> claimed = new HashSet<>();
            int total = 0;
            for (Future<List<Runs.Run>> worker : workers) {
                for (Runs.Run run : worker.get()) {
                    total++;
                    claimed.add(run.id());
                    assertEquals(RunStatus.Started, run.status());
                    assertNotNull(run.startedAt());
                }
            }
            assertTrue(total >= 30, "every queued run was claimed, got " + total);
            assertEquals(total, claimed.size(), "no run was claimed twice");
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void runsMoveForwardOnlyAndAreRecoveredAfterARestart() {
        String registry = "move" + UUID.randomUUID().toString().substring(0, 8);
        Runs.Run run = create(registry);
        String worker = "instance-" + UUID.randomUUID();
        claimUntil(run, worker);
        assertNotNull(runs.transition(run.id(), RunStatus.Started, RunStatus.Running, null).await().atMost(PATIENCE));
        assertNull(runs.transition(run.id(), RunStatus.Started, RunStatus.Running, null).await().atMost(PATIENCE),
                "a stale move is refused");
        assertNull(runs.transition(run.id(), RunStatus.Running, RunStatus.Queued, null).await().atMost(PATIENCE));

        assertTrue(runs.recover(worker).await().atMost(PATIENCE) >= 1);
        Runs.Run recovered = runs.find(registry, run.runId()).await().atMost(PATIENCE);
        assertEquals(RunStatus.Error, recovered.status());
        assertNotNull(recovered.finishedAt());
        assertNull(runs.transition(run.id(), RunStatus.Error, RunStatus.Succeeded, null).await().atMost(PATIENCE));
    }

    @Test
    void aRunWhoseWorkerStoppedAnsweringIsFinishedAsErrorByTheRunningService() {
        String registry = "lost" + UUID.randomUUID().toString().substring(0, 8);
        Runs.Run run = create(registry);
        String worker = "vanished-" + UUID.randomUUID();
        claimUntil(run, worker);
        assertNotNull(runs.transition(run.id(), RunStatus.Started, RunStatus.Running, null).await().atMost(PATIENCE));
        // the replica that held it died long ago: nobody has touched the run since
        pool.preparedQuery("update run set updated_at = now() - interval '1 hour' where id = $1")
                .execute(Tuple.of(run.id())).await().atMost(PATIENCE);
        Awaitility.await().atMost(PATIENCE).until(() -> runs.find(registry, run.runId()).await().atMost(PATIENCE)
                .status() == RunStatus.Error);
        assertEquals("the worker running it stopped answering",
                runs.find(registry, run.runId()).await().atMost(PATIENCE).error());
    }
}
