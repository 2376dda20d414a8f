package dev.drydock.devstack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A child process that cannot outlive the JVM that started it, kill -9 included.
 * <p>
 * The command runs under a small shell. A watcher inside it holds the pipe from our JVM's stdin: when the JVM ends
 * for any reason the kernel closes the pipe, the watcher's read returns, and the child gets its stop signal. The
 * shell itself ends when the child ends, so a crashed child is seen as an exited process. An orderly
 * {@link #close()} closes the pipe the same way, then waits; only a child that ignores its signal is killed.
 */
public final class SupervisedProcess implements AutoCloseable {

    private static final String WATCHDOG = String.join("\n",
            "log=$1; signal=$2; shift 2",
            "\"$@\" >>\"$log\" 2>&1 </dev/null & child=$!",
            "echo $child",
            "exec 3<&0 0</dev/null",
            "(while read -r _ <&3; do :; done; kill -$signal $child 2>/dev/null) >/dev/null 2>&1 &",
            "watcher=$!",
            "wait $child; status=$?",
            "kill $watcher 2>/dev/null",
            "exit $status");

    private final String name;
    private final Process shell;
    private final long childPid;
    private final long graceSeconds;

    private SupervisedProcess(String name, Process shell, long childPid, long graceSeconds) {
        this.name = name;
        this.shell = shell;
        this.childPid = childPid;
        this.graceSeconds = graceSeconds;
    }

    /**
     * @param stopSignal the signal that asks this program for a clean, fast shutdown (INT for postgres, TERM for JVMs)
     * @param log        file that receives the child's stdout and stderr (appended)
     */
    public static SupervisedProcess start(String name, List<String> command, Map<String, String> environment,
            String stopSignal, Path log, long graceSeconds) {
        List<String> argv = new ArrayList<>(List.of("sh", "-c", WATCHDOG, name + "-watchdog",
                log.toAbsolutePath().toString(), stopSignal));
        argv.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(environment);
        try {
            Process shell = pb.start();
            BufferedReader out = new BufferedReader(new InputStreamReader(shell.getInputStream(), StandardCharsets.US_ASCII));
            String pid = out.readLine();
            if (pid == null) {
                throw new IllegalStateException("cannot start " + name + ": the watchdog shell exited");
            }
            return new SupervisedProcess(name, shell, Long.parseLong(pid.strip()), graceSeconds);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    public String name() {
        return name;
    }

    public boolean isAlive() {
        return shell.isAlive();
    }

    public CompletableFuture<Void> onExit() {
        return shell.onExit().thenApply(p -> null);
    }

    /** How the program ended: its exit status, or 128 + the signal that ended it (137 after kill -9). */
    public int exitStatus() {
        return shell.exitValue();
    }

    /** The supervised program's own pid (not the watchdog shell's). */
    public long childPid() {
        return childPid;
    }

    @Override
    public void close() {
        try {
            shell.getOutputStream().close();
            if (shell.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                return;
            }
        } catch (IOException ignored) {
            // the pipe is already gone, which asks for the same stop
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ProcessHandle.of(childPid).ifPresent(ProcessHandle::destroyForcibly);
        shell.destroyForcibly();
    }
}
