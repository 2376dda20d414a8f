package dev.drydock.instances.runtime;

import org.jboss.logging.Logger;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * runc in the foreground as a supervised child ({@code run --keep}): the container's exit code is runc's (137 after
 * SIGKILL, the container's own otherwise), its output is read line by line from pipes, a stop sends TERM and after
 * the grace period KILL (a process that runs as PID 1 without a handler ignores TERM), and when it has ended the
 * kept cgroup says whether the kernel killed it for memory before the container is deleted.
 */
public class Runc implements ContainerRuntime {

    private static final Logger LOG = Logger.getLogger(Runc.class);
    /** Longer lines are cut into pieces of this size, so a container without newlines cannot exhaust memory. */
    static final int MAX_LINE = 16 * 1024;
    private static final int MAX_EXEC_OUTPUT = 1024 * 1024;
    private static final Path CGROUPS = Path.of("/sys/fs/cgroup");

    /** Waits for exits and drains exec output: blocking work, kept off the common pool. */
    private static final ExecutorService WAITERS = Executors.newCachedThreadPool(DaemonThreads.named("runc-waiter"));

    private final String binary;
    private final Path state;

    /** @param state runc's --root: its state directory (containers of this service only) */
    public Runc(String binary, Path state) {
        this.binary = binary;
        this.state = state;
    }

    @Override
    public Running start(String id, Path bundle, String cgroup, Output output) throws IOException {
        Process process = new ProcessBuilder(command("run", "--keep", "--bundle", bundle.toString(), id))
                .redirectInput(new File("/dev/null")).start();
        Thread out = reader(id, process.getInputStream(), Stream.STDOUT, output);
        Thread err = reader(id, process.getErrorStream(), Stream.STDERR, output);
        CompletableFuture<Exit> exit = process.onExit().thenApplyAsync(p -> {
            try {
                out.join();
                err.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            boolean oom = oomKilled(cgroup);
            quietly("delete", "-f", id);
            return new Exit(p.exitValue(), oom);
        }, WAITERS);
        return new Running() {
            @Override
            public CompletableFuture<Exit> exit() {
                return exit;
            }

            @Override
            public void stop(Duration grace) {
                quietly("kill", id, "TERM");
                try {
                    if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                        quietly("kill", id, "KILL");
                    }
                    exit.get(grace.toMillis() + 30_000, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    quietly("kill", id, "KILL");
                } catch (Exception e) {
                    LOG.warnf("container %s did not end after KILL: %s", id, e.getMessage());
                }
            }
        };
    }

    @Override
    public ExecResult exec(String id, List<String> command, Duration timeout) throws IOException {
        List<String> argv = command("exec", id);
        argv.addAll(command);
        Process process = new ProcessBuilder(argv).redirectInput(new File("/dev/null")).start();
        CompletableFuture<byte[]> stdout = CompletableFuture.supplyAsync(() -> drain(process.getInputStream()), WAITERS);
        CompletableFuture<byte[]> stderr = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()), WAITERS);
        try {
            boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            return new ExecResult(ended ? process.exitValue() : -1,
                    new String(stdout.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8),
                    new String(stderr.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8), !ended);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (Exception e) {
            throw new IOException("runc exec in " + id + ": " + e.getMessage(), e);
        }
    }

    /**
     * runc exec --tty gives the command a terminal of its own and relays it to runc's terminal, which it opens as
     * /dev/tty; this service has none, so util-linux's script makes one (sized first) for runc and relays it to
     * the returned process's pipes. The command gets a real controlling terminal; the exit code is its own.
     */
    @Override
    public Process terminal(String id, List<String> command, int rows, int columns) throws IOException {
        List<String> argv = command("exec", "--tty", id);
        argv.addAll(command);
        StringBuilder shell = new StringBuilder("stty rows " + rows + " cols " + columns + " 2>/dev/null; exec");
        for (String word : argv) {
            shell.append(" '").append(word.replace("'", "'\\''")).append('\'');
        }
        ProcessBuilder builder = new ProcessBuilder("script", "--quiet", "--return", "--flush", "--command",
                shell.toString(), "/dev/null").redirectErrorStream(true);
        builder.environment().put("SHELL", "/bin/sh");
        return builder.start();
    }

    @Override
    public List<String> list() throws IOException {
        if (!Files.isDirectory(state)) {
            return List.of();
        }
        Process process = new ProcessBuilder(command("list", "-q")).redirectErrorStream(true).start();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("runc list failed: " + text.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    @Override
    public void remove(String id) {
        quietly("kill", id, "KILL");
        quietly("delete", "-f", id);
    }

    /** Whether the kernel's OOM killer hit the container's memory cgroup (v1 memory.oom_control, v2 memory.events). */
    static boolean oomKilled(String cgroup) {
        String relative = cgroup.startsWith("/") ? cgroup.substring(1) : cgroup;
        for (Path file : List.of(CGROUPS.resolve("memory").resolve(relative).resolve("memory.oom_control"),
                CGROUPS.resolve(relative).resolve("memory.events"))) {
            try {
                if (Files.exists(file)) {
                    return Files.readAllLines(file).stream().anyMatch(l -> l.startsWith("oom_kill ")
                            && !l.substring(9).strip().equals("0"));
                }
            } catch (IOException e) {
                LOG.debugf("cannot read %s: %s", file, e.getMessage());
            }
        }
        return false;
    }

    private List<String> command(String... arguments) {
        List<String> command = new ArrayList<>(List.of(binary, "--root", state.toString()));
        command.addAll(List.of(arguments));
        return command;
    }

    private static Thread reader(String id, InputStream in, Stream stream, Output output) {
        Thread thread = new Thread(() -> {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    for (int i = 0; i < n; i++) {
                        if (buffer[i] == '\n') {
                            output.line(stream, line.toString(StandardCharsets.UTF_8));
                            line.reset();
                        } else {
                            line.write(buffer[i]);
                            if (line.size() >= MAX_LINE) {
                                output.line(stream, line.toString(StandardCharsets.UTF_8));
                                line.reset();
                            }
                        }
                    }
                }
            } catch (IOException e) {
                LOG.debugf("output of %s: %s", id, e.getMessage());
            }
            if (line.size() > 0) {
                output.line(stream, line.toString(StandardCharsets.UTF_8));
            }
        }, "container-" + id + "-" + stream.name().toLowerCase());
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static byte[] drain(InputStream in) {
        try (in) {
            byte[] kept = in.readNBytes(MAX_EXEC_OUTPUT);
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return kept;
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private void quietly(String... arguments) {
        try {
            Process process = new ProcessBuilder(command(arguments)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            LOG.warnf("runc %s: %s", String.join(" ", arguments), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
