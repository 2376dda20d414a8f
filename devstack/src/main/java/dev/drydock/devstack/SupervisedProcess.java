package dev.drydock.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child process that cannot outlive the JVM that started it, kill -9 included.
 * <p>
 * The command runs under a small shell that holds the pipe to our JVM's stdin open: when the JVM ends for any
 * reason the kernel closes the pipe, {@code cat} returns, and the shell sends the child its stop signal. An orderly
 * {@link #close()} closes the pipe the same way, then waits; only a child that ignores the signal is killed.
 */
public final class SupervisedProcess implements AutoCloseable {

    private static final String WATCHDOG =
            "\"$@\" & child=$!; cat >/dev/null; kill -%s $child 2>/dev/null; wait $child";

    private final String name;
    private final Process shell;
    private final long graceSeconds;

    private SupervisedProcess(String name, Process shell, long graceSeconds) {
        this.name = name;
        this.shell = shell;
        this.graceSeconds = graceSeconds;
    }

    /**
     * @param stopSignal the signal that asks this program for a clean, fast shutdown (INT for postgres, TERM for JVMs)
     * @param log        file that receives the child's stdout and stderr (appended)
     */
    public static SupervisedProcess start(String name, List<String> command, Map<String, String> environment,
            String stopSignal, Path log, long graceSeconds) {
        List<String> argv = new ArrayList<>(List.of("sh", "-c", WATCHDOG.formatted(stopSignal), name + "-watchdog"));
        argv.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(environment);
        try {
            return new SupervisedProcess(name, pb.start(), graceSeconds);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    public String name() {
        return name;
    }

    public java.util.concurrent.CompletableFuture<Void> onExit() {
        return shell.onExit().thenApply(p -> null);
    }

    public boolean isAlive() {
        return shell.isAlive();
    }

    /** The supervised program's own pid (not the watchdog shell's), once it has been forked. */
    public long childPid() {
        return shell.children().findFirst().map(ProcessHandle::pid)
                .orElseThrow(() -> new IllegalStateException(name + " has no running child"));
    }

    @Override
    public void close() {
        List<ProcessHandle> children = shell.descendants().toList();
        try {
            shell.getOutputStream().close();
            if (!shell.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                children.forEach(ProcessHandle::destroyForcibly);
                shell.destroyForcibly();
                shell.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            children.forEach(ProcessHandle::destroyForcibly);
            shell.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            children.forEach(ProcessHandle::destroyForcibly);
            shell.destroyForcibly();
        }
    }
}
