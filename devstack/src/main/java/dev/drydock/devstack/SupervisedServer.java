package dev.drydock.devstack;

import java.time.Duration;

/**
 * A server of the devstack that runs as one {@link SupervisedProcess} at a time and can be stopped and started again
 * with the same configuration and data.
 */
public abstract class SupervisedServer implements AutoCloseable {

    private SupervisedProcess process;

    protected final synchronized void running(SupervisedProcess started) {
        this.process = started;
    }

    protected final synchronized SupervisedProcess process() {
        return process;
    }

    /** Starts the server with its configuration and data, and waits until it answers. */
    public abstract void start(Duration timeout);

    /**
     * Starts the server again after its process died, for a {@link Supervisor}: a start that fails stops what it
     * began, so the next attempt finds nothing of it.
     */
    public final synchronized SupervisedProcess restart(Duration timeout) {
        close();
        try {
            start(timeout);
            return process;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public final synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The server's own pid, for tests that check it is gone. */
    public final synchronized long pid() {
        return process.childPid();
    }

    /** Stops the server; its data stays, and start brings it back. */
    @Override
    public final synchronized void close() {
        if (process != null) {
            process.close();
            process = null;
        }
    }
}
