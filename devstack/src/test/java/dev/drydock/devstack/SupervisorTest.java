package dev.drydock.devstack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SupervisorTest {

    @TempDir
    Path dir;

    private final List<String> log = new CopyOnWriteArrayList<>();

    private SupervisedProcess sleeper(String name) {
        return SupervisedProcess.start(name, List.of("sleep", "300"), Map.of(), "TERM", dir.resolve(name + ".log"), 5);
    }

    private String status(String name) throws Exception {
        return Files.readAllLines(dir.resolve("status")).stream().filter(l -> l.startsWith(name + " ")).findFirst()
                .orElseThrow();
    }

    @Test
    void aProgramKilledWithSigkillIsStartedAgainAndItsDeathIsLoggedWithItsStatus() throws Exception {
        AtomicInteger starts = new AtomicInteger();
        try (Supervisor supervisor = new Supervisor(dir.resolve("status"), log::add, Duration.ofMillis(100))) {
            supervisor.keep("registry", () -> {
                starts.incrementAndGet();
                return sleeper("registry");
            });
            long first = Long.parseLong(status("registry").split(" ")[2]);
            assertEquals("registry running " + first + " 0 -", status("registry"));

            new ProcessBuilder("kill", "-9", String.valueOf(first)).start().waitFor();

            await().atMost(Duration.ofSeconds(10)).until(() -> status("registry").matches("registry running \\d+ 1 137"));
            long second = Long.parseLong(status("registry").split(" ")[2]);
            assertTrue(second != first && SupervisionTest.running(second), "a new process runs");
            assertEquals(2, starts.get());
            assertTrue(log.stream().anyMatch(l -> l.startsWith("registry died (exit status 137)")), log.toString());
            assertTrue(log.stream().anyMatch(l -> l.startsWith("registry restarted (pid " + second)), log.toString());
        }
        assertFalse(Files.exists(dir.resolve("status")), "a stopped stack leaves no status behind");
    }

    @Test
    void aProgramThatKeepsDyingIsRestartedLessAndLessOftenAndShownAsRestarting() throws Exception {
        AtomicInteger starts = new AtomicInteger();
        try (Supervisor supervisor = new Supervisor(dir.resolve("status"), log::add, Duration.ofMillis(200))) {
            supervisor.keep("tasks", () -> {
                starts.incrementAndGet();
                return SupervisedProcess.start("tasks", List.of("sh", "-c", "exit 3"), Map.of(), "TERM",
                        dir.resolve("tasks.log"), 5);
            });
            // 200 ms, 400 ms, 800 ms, then 1.6 s: the fourth restart waits while the third death is shown
            await().atMost(Duration.ofSeconds(10)).until(() -> status("tasks").equals("tasks restarting - 4 3"));
            int startsSoFar = starts.get();
            assertEquals(4, startsSoFar, "one start and three restarts so far");
            assertTrue(log.stream().anyMatch(l -> l.equals("tasks died (exit status 3); restarting in 1600 ms")),
                    log.toString());
        }
    }

    @Test
    void closeStopsEveryProgramAndRestartsNone() throws Exception {
        AtomicInteger starts = new AtomicInteger();
        long pid;
        try (Supervisor supervisor = new Supervisor(dir.resolve("status"), log::add, Duration.ofMillis(50))) {
            supervisor.keep("kafka", () -> {
                starts.incrementAndGet();
                return sleeper("kafka");
            });
            pid = Long.parseLong(status("kafka").split(" ")[2]);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !SupervisionTest.running(pid));
        assertEquals(1, starts.get());
        assertTrue(log.stream().noneMatch(l -> l.contains("died")), log.toString());
    }
}
