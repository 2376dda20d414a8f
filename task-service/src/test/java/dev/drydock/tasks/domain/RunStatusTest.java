package dev.drydock.tasks.domain;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunStatusTest {

    @Test
    void runsMoveForwardAndFinishOnce() {
        assertTrue(RunStatus.Queued.canMoveTo(RunStatus.Started));
        assertTrue(RunStatus.Started.canMoveTo(RunStatus.Running));
        assertTrue(RunStatus.Running.canMoveTo(RunStatus.Succeeded));
        assertTrue(RunStatus.Queued.canMoveTo(RunStatus.Canceled));
        assertTrue(RunStatus.Running.canMoveTo(RunStatus.Timeout));
        assertFalse(RunStatus.Queued.canMoveTo(RunStatus.Succeeded), "nothing succeeds without running");
        assertFalse(RunStatus.Running.canMoveTo(RunStatus.Queued));
        for (RunStatus done : new RunStatus[] {RunStatus.Succeeded, RunStatus.Failed, RunStatus.Canceled,
                RunStatus.Error, RunStatus.Timeout}) {
            assertTrue(done.isFinished());
            for (RunStatus next : RunStatus.values()) {
                assertFalse(done.canMoveTo(next), done + " -> " + next);
            }
        }
        assertFalse(RunStatus.Running.isFinished());
    }
}
