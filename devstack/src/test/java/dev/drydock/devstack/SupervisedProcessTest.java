package dev.drydock.devstack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SupervisedProcessTest {

    @TempDir
    Path dir;

    @Test
    void aChildThatDiesOnItsOwnIsSeenAsExited() throws Exception {
        SupervisedProcess p = SupervisedProcess.start("crasher", List.of("sh", "-c", "echo dying; exit 3"), Map.of(),
                "TERM", dir.resolve("crasher.log"), 5);
        p.onExit().get(10, TimeUnit.SECONDS);
        assertFalse(p.isAlive());
        assertTrue(Files.readString(dir.resolve("crasher.log")).contains("dying"), "output goes to the log");
    }

    @Test
    void closeStopsTheChildWithItsSignal() {
        SupervisedProcess p = SupervisedProcess.start("sleeper", List.of("sleep", "300"), Map.of(), "TERM",
                dir.resolve("sleeper.log"), 10);
        long child = p.childPid();
        assertTrue(SupervisionTest.running(child));
        p.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> !SupervisionTest.running(child));
        assertFalse(p.isAlive());
    }

    @Test
    void aChildThatIgnoresItsSignalIsKilledAfterTheGracePeriod() {
        SupervisedProcess p = SupervisedProcess.start("stubborn",
                List.of("sh", "-c", "trap '' TERM; while :; do sleep 1; done"), Map.of(), "TERM",
                dir.resolve("stubborn.log"), 1);
        long child = p.childPid();
        p.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> !SupervisionTest.running(child));
    }
}
