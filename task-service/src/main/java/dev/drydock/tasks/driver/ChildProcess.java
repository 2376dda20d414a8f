package dev.drydock.tasks.driver;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs a program as a child of the service with its output streamed line by line, ended (with its whole process
 * tree) when its own timeout passes or its run is stopped: SIGTERM first so buildah can clean up its working
 * container, SIGKILL for whatever still lives a few seconds later.
 */
public final class ChildProcess {

    /** How a child ended. @param exitCode meaningful when {@code stop} is null */
    public record Result(int exitCode, RunControl.Stop stop, boolean stepTimedOut) {
        public boolean succeeded() {
            return stop == null && !stepTimedOut && exitCode == 0;
        }
    }

    private static final Duration GRACE = Duration.ofSeconds(5);

    private ChildProcess() {
    }

    /**
     * @param environment the child's whole environment besides PATH and LANG
     * @param timeout the step's own limit; the run's deadline applies too
     * @param lines   receives every line the child writes (stdout and stderr merged)
     */
    public static Result run(List<String> command, Map<String, String> environment, Path directory, Duration timeout,
            RunControl control, Consumer<String> lines) {
        if (control.stopped() != null) {
            return new Result(-1, control.stopped(), false);
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        // a child sees none of this service's environment (its database password, service secrets)
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"));
        builder.environment().put("LANG", "C.UTF-8");
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.get(0), e);
        }
        Handle handle = new Handle(process);
        control.started(handle);
        try {
            process.getOutputStream().close();
            Thread reader = new Thread(() -> pump(process, lines), "child-output-" + process.pid());
            reader.setDaemon(true);
            reader.start();
            Instant stepDeadline = Instant.now().plus(timeout);
            Instant deadline = stepDeadline.isBefore(control.deadline()) ? stepDeadline : control.deadline();
            boolean stepTimedOut = false;
            while (!process.waitFor(200, TimeUnit.MILLISECONDS)) {
                if (control.stopped() != null) {
                    break;
                }
                if (Instant.now().isAfter(deadline)) {
                    stepTimedOut = deadline == stepDeadline;
                    if (!stepTimedOut) {
                        control.stop(RunControl.Stop.TIMED_OUT);
                    }
                    handle.kill();
                    break;
                }
            }
            process.waitFor();
            reader.join(TimeUnit.SECONDS.toMillis(10));
            return new Result(process.exitValue(), control.stopped(), stepTimedOut);
        } catch (InterruptedException e) {
            handle.kill();
            Thread.currentThread().interrupt();
            return new Result(-1, RunControl.Stop.SHUTDOWN, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            control.ended(handle);
        }
    }

    private static void pump(Process process, Consumer<String> lines) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines.accept(line);
            }
        } catch (IOException e) {
            lines.accept("(output lost: " + e.getMessage() + ")");
        }
    }

    /** A started child; {@link #kill} ends it and everything it started. */
    static final class Handle {
        private final Process process;

        Handle(Process process) {
            this.process = process;
        }

        void kill() {
            List<ProcessHandle> tree = process.descendants().toList();
            process.destroy();
            tree.forEach(ProcessHandle::destroy);
            Thread killer = new Thread(() -> {
                try {
                    if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                        process.descendants().forEach(ProcessHandle::destroyForcibly);
                        process.destroyForcibly();
                    }
                    tree.forEach(ProcessHandle::destroyForcibly);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "child-kill-" + process.pid());
            killer.setDaemon(true);
            killer.start();
        }
    }
}
