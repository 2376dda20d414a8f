package dev.drydock.tasks.driver;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real child processes: output, exit codes, and the whole process tree ended by timeouts and cancels. */
class ChildProcessTest {

    private static boolean running(String marker) {
        return ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().orElse("").contains(marker));
    }

    @Test
    void streamsOutputAndReportsTheExitCode() {
        List<String> lines = new CopyOnWriteArrayList<>();
        ChildProcess.Result result = ChildProcess.run(List.of("sh", "-c", "echo one; echo two >&2; exit 4"),
                Map.of(), null, Duration.ofSeconds(30), new RunControl(Duration.ofSeconds(60)), lines::add);
        assertEquals(4, result.exitCode());
        assertFalse(result.succeeded());
        assertNull(result.stop());
        assertEquals(List.of("one", "two"), lines.stream().sorted().toList());
    }

    @Test
    void aStepTimeoutEndsTheChildAndItsChildren() {
        ChildProcess.Result result = ChildProcess.run(List.of("sh", "-c", "sleep 4101 & sleep 4102; wait"), Map.of(),
                null, Duration.ofMillis(500), new RunControl(Duration.ofSeconds(60)), line -> { });
        assertTrue(result.stepTimedOut());
        assertNull(result.stop(), "the run goes on; only the step timed out");
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> !running("sleep 4101") && !running("sleep 4102"));
    }

    @Test
    void theRunDeadlineStopsTheRun() {
        RunControl control = new RunControl(Duration.ofMillis(500));
        ChildProcess.Result result = ChildProcess.run(List.of("sleep", "4103"), Map.of(), null,
                Duration.ofSeconds(60), control, line -> { });
        assertEquals(RunControl.Stop.TIMED_OUT, result.stop());
        assertEquals(RunControl.Stop.TIMED_OUT, control.stopped());
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> !running("sleep 4103"));
    }

    @Test
    void aCancelEndsEveryRunningChildAndNoNewOneStarts() {
        RunControl control = new RunControl(Duration.ofSeconds(60));
        CompletableFuture<ChildProcess.Result> first = CompletableFuture.supplyAsync(() -> ChildProcess.run(
                List.of("sleep", "4104"), Map.of(), null, Duration.ofSeconds(60), control, line -> { }));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> running("sleep 4104"));
        control.stop(RunControl.Stop.CANCELED);
        assertEquals(RunControl.Stop.CANCELED, first.join().stop());
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> !running("sleep 4104"));
        ChildProcess.Result later = ChildProcess.run(List.of("sleep", "4105"), Map.of(), null,
                Duration.ofSeconds(60), control, line -> { });
        assertEquals(RunControl.Stop.CANCELED, later.stop());
        assertFalse(running("sleep 4105"));
    }
}
