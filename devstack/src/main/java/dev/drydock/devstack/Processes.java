package dev.drydock.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** One-shot helper commands of the devstack (initdb, chown). */
final class Processes {

    private Processes() {
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Runs a command to completion, its output appended to the log; fails with the log's name on a non-zero exit. */
    static void run(List<String> command, Path log) {
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            p.getOutputStream().close();
            int rc = p.waitFor();
            if (rc != 0) {
                throw new IllegalStateException(command.get(0) + " failed with exit code " + rc + "; see " + log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
    }
}
