package dev.drydock.instances.runtime;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Runs containers from prepared bundles (config.json and rootfs); runc is the implementation. */
public interface ContainerRuntime {

    /** Where a container's output goes, line by line; called from the runtime's reader threads. */
    interface Output {
        void line(Stream stream, String text);
    }

    enum Stream { STDOUT, STDERR }

    /** How a container ended. @param oomKilled the kernel killed a process of it for memory */
    record Exit(int code, boolean oomKilled) {
    }

    /** A started container: how it ends, and a way to end it. */
    interface Running {
        /** Completes after the container has ended, all its output was delivered and its runtime state removed. */
        CompletableFuture<Exit> exit();

        /** SIGTERM, then SIGKILL when it has not ended after {@code grace}; returns when it has ended. */
        void stop(Duration grace);
    }

    /** What a command run in a container printed and how it ended. */
    record ExecResult(int exitCode, String stdout, String stderr, boolean timedOut) {
    }

    /** @param cgroup the container's cgroup path, as in its config (where an OOM kill is read from) */
    Running start(String id, Path bundle, String cgroup, Output output) throws IOException;

    /** Runs a command with arguments in a running container. */
    ExecResult exec(String id, List<String> command, Duration timeout) throws IOException;

    /**
     * Starts a command in a running container on a terminal of its own (ACI's interactive exec): the returned
     * process's stdin and stdout are the terminal's other side, its exit value the command's.
     */
    Process terminal(String id, List<String> command, int rows, int columns) throws IOException;

    /** The containers this runtime knows (running or not), for reconciliation. */
    List<String> list() throws IOException;

    /** Kills and removes a container found on the host. */
    void remove(String id) throws IOException;
}
