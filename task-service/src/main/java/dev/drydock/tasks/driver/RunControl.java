package dev.drydock.tasks.driver;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stop button and the clock of one run: a cancel (or the run's deadline) ends every child process the run has
 * started, at once, wherever its steps are.
 */
public final class RunControl {

    public enum Stop { CANCELED, TIMED_OUT, SHUTDOWN }

    private final Instant deadline;
    private final Set<ChildProcess.Handle> running = ConcurrentHashMap.newKeySet();
    private volatile Stop stop;

    public RunControl(Duration timeout) {
        this.deadline = Instant.now().plus(timeout);
    }

    public Instant deadline() {
        return deadline;
    }

    /** The reason the run must stop, or null while it may go on. */
    public Stop stopped() {
        if (stop == null && Instant.now().isAfter(deadline)) {
            stop(Stop.TIMED_OUT);
        }
        return stop;
    }

    public void stop(Stop reason) {
        synchronized (this) {
            if (stop != null) {
                return;
            }
            stop = reason;
        }
        running.forEach(ChildProcess.Handle::kill);
    }

    void started(ChildProcess.Handle handle) {
        running.add(handle);
        if (stop != null) {
            handle.kill();
        }
    }

    void ended(ChildProcess.Handle handle) {
        running.remove(handle);
    }
}
