package dev.drydock.instances.runtime;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Runs one container from a prepared bundle (config.json and rootfs); runc is the implementation. */
public interface ContainerRuntime {

    /** A started container: its exit code when it ends, and a way to end it. */
    interface Running {
        CompletableFuture<Integer> exit();

        /** SIGTERM, then SIGKILL when it has not ended after {@code grace}. */
        void stop(Duration grace);
    }

    /** Starts the container; its stdout and stderr go to the files, appended. */
    Running start(String id, Path bundle, Path stdout, Path stderr) throws IOException;
}
