package dev.drydock.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keeps the programs of the local stack running: a program that dies when nobody asked it to stop is started again,
 * after a back-off that doubles with each death that follows a short life (1 s, 2 s, 4 s ... at most 60 s) and
 * starts over once a program has run for a minute. Every death and every restart is one line in the stack's log,
 * with the exit status; the state of every program is kept in a status file that {@code drydock-stack status} reads
 * ({@code registry restarting 3 137}: third restart, last exit status 137).
 */
public final class Supervisor implements AutoCloseable {

    /** Starts a program and answers its process once the program is ready; a start that fails cleans up after itself. */
    @FunctionalInterface
    public interface Program {
        SupervisedProcess start();
    }

    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
    /** A program that ran this long before it died is restarted after the first back-off again. */
    static final Duration STABLE = Duration.ofSeconds(60);

    private final Path statusFile;
    private final Consumer<String> log;
    private final Duration firstBackoff;
    private final List<Kept> kept = new ArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "stack-restarts");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean stopping;

    public Supervisor(Path statusFile, Consumer<String> log) {
        this(statusFile, log, FIRST_BACKOFF);
    }

    Supervisor(Path statusFile, Consumer<String> log, Duration firstBackoff) {
        this.statusFile = statusFile;
        this.log = log;
        this.firstBackoff = firstBackoff;
    }

    /** Supervises a program that is already running as {@code process}; {@code program} starts it again. */
    public synchronized void keep(String name, SupervisedProcess process, Program program) {
        Kept k = new Kept(name, program);
        kept.add(k);
        k.running(process);
        writeStatus();
    }

    /** Starts a program now (a failure of this first start is the caller's) and supervises it from then on. */
    public void keep(String name, Program program) {
        keep(name, program.start(), program);
    }

    /** Stops every program, the last kept first; none of them is restarted from now on. */
    @Override
    public void close() {
        stopping = true;
        scheduler.shutdownNow();
        try {
            // a restart under way finishes, sees {@code stopping} and stops what it started
            scheduler.awaitTermination(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Kept> all;
        synchronized (this) {
            all = new ArrayList<>(kept);
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            all.get(i).stop();
        }
        try {
            Files.deleteIfExists(statusFile);
        } catch (IOException e) {
            log.accept("cannot remove " + statusFile + ": " + e.getMessage());
        }
    }

    private synchronized void writeStatus() {
        StringBuilder text = new StringBuilder("# program state pid restarts last-exit\n");
        for (Kept k : kept) {
            text.append(k.statusLine()).append('\n');
        }
        try {
            Path tmp = statusFile.resolveSibling(statusFile.getFileName() + ".tmp");
            Files.writeString(tmp, text);
            Files.move(tmp, statusFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + statusFile, e);
        }
    }

    /** One supervised program: its current process, how often it was restarted, how it last ended. */
    private final class Kept {
        private final String name;
        private final Program program;
        private SupervisedProcess process;
        private long startedAt;
        private int restarts;
        private int quickDeaths;
        private Integer lastExit;

        Kept(String name, Program program) {
            this.name = name;
            this.program = program;
        }

        synchronized void running(SupervisedProcess started) {
            process = started;
            startedAt = System.nanoTime();
            started.onExit().thenRun(() -> died(started));
        }

        private void died(SupervisedProcess gone) {
            if (stopping) {
                return;
            }
            Duration delay;
            synchronized (this) {
                if (gone != process) {
                    return;
                }
                process = null;
                restarts++;
                lastExit = gone.exitStatus();
                quickDeaths = System.nanoTime() - startedAt >= STABLE.toNanos() ? 1 : quickDeaths + 1;
                delay = backoff(quickDeaths);
            }
            log.accept(name + " died (exit status " + lastExit + "); restarting in " + delay.toMillis() + " ms");
            writeStatus();
            schedule(delay);
        }

        private Duration backoff(int deaths) {
            long millis = firstBackoff.toMillis() << Math.min(deaths - 1, 16);
            return Duration.ofMillis(Math.min(millis, MAX_BACKOFF.toMillis()));
        }

        private void schedule(Duration delay) {
            try {
                scheduler.schedule(this::restart, delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // stopping: nothing is restarted any more
            }
        }

        private void restart() {
            if (stopping) {
                return;
            }
            SupervisedProcess started;
            try {
                started = program.start();
            } catch (RuntimeException e) {
                Duration delay;
                synchronized (this) {
                    restarts++;
                    quickDeaths++;
                    delay = backoff(quickDeaths);
                }
                writeStatus();
                log.accept(name + " did not start (" + e.getMessage() + "); trying again in " + delay.toMillis()
                        + " ms");
                schedule(delay);
                return;
            }
            if (stopping) {
                started.close();
                return;
            }
            running(started);
            log.accept(name + " restarted (pid " + started.childPid() + ", restart " + restarts + ")");
            writeStatus();
        }

        synchronized void stop() {
            if (process != null) {
                process.close();
            }
        }

        synchronized String statusLine() {
            String state = process != null ? "running" : "restarting";
            return name + " " + state + " " + (process != null ? process.childPid() : "-") + " " + restarts + " "
                    + (lastExit == null ? "-" : lastExit);
        }
    }
}
