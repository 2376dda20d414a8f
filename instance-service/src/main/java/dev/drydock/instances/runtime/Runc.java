package dev.drydock.instances.runtime;

import org.jboss.logging.Logger;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * runc in the foreground as a supervised child: the container's exit code is runc's (137 after SIGKILL, the
 * container's own otherwise), its output goes straight into the log files, and a stop sends TERM and, after the
 * grace period, KILL — a process that runs as PID 1 without a handler ignores TERM.
 */
public class Runc implements ContainerRuntime {

    private static final Logger LOG = Logger.getLogger(Runc.class);

    private final String binary;
    private final Path state;

    /** @param state runc's --root: its state directory (containers of this service only) */
    public Runc(String binary, Path state) {
        this.binary = binary;
        this.state = state;
    }

    @Override
    public Running start(String id, Path bundle, Path stdout, Path stderr) throws IOException {
        Process process = new ProcessBuilder(binary, "--root", state.toString(), "run", "--bundle", bundle.toString(),
                id).redirectInput(new File("/dev/null")).redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile())).start();
        CompletableFuture<Integer> exit = process.onExit().thenApply(Process::exitValue);
        return new Running() {
            @Override
            public CompletableFuture<Integer> exit() {
                return exit;
            }

            @Override
            public void stop(Duration grace) {
                signal(id, "TERM");
                try {
                    if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                        signal(id, "KILL");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    signal(id, "KILL");
                }
            }
        };
    }

    private void signal(String id, String signal) {
        try {
            Process kill = new ProcessBuilder(List.of(binary, "--root", state.toString(), "kill", id, signal))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
            }
        } catch (IOException e) {
            LOG.warnf("runc kill %s %s: %s", id, signal, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
