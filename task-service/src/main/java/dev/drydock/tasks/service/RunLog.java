package dev.drydock.tasks.service;

import dev.drydock.tasks.domain.SecretMask;
import dev.drydock.tasks.persistence.RunLogs;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One run's log as it is written: every line masked, stamped ACR's way ({@code 2026/11/28 09:14:31 text}) and
 * stored in chunks a few times a second, so followers see it live while PostgreSQL is not hit per line.
 */
final class RunLog implements Consumer<String>, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RunLog.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss");
    private static final int CHUNK = 64 * 1024;
    private static final Duration FLUSH = Duration.ofMillis(250);

    private final long run;
    private final RunLogs logs;
    private final LogSignals signals;
    private final SecretMask mask;
    private final StringBuilder pending = new StringBuilder();
    private final ScheduledFuture<?> flusher;
    private int seq;

    RunLog(long run, RunLogs logs, LogSignals signals, SecretMask mask, ScheduledExecutorService timer) {
        this.run = run;
        this.logs = logs;
        this.signals = signals;
        this.mask = mask;
        this.flusher = timer.scheduleWithFixedDelay(this::flush, FLUSH.toMillis(), FLUSH.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void accept(String line) {
        String stamped = STAMP.format(ZonedDateTime.now(ZoneOffset.UTC)) + " " + mask.apply(line) + "\n";
        boolean full;
        synchronized (pending) {
            pending.append(stamped);
            full = pending.length() >= CHUNK;
        }
        if (full) {
            flush();
        }
    }

    /** Writes what is pending; a chunk that cannot be stored is reported, not retried forever. */
    synchronized void flush() {
        String text;
        synchronized (pending) {
            if (pending.isEmpty()) {
                return;
            }
            text = pending.toString();
            pending.setLength(0);
        }
        try {
            logs.append(run, ++seq, text).await().atMost(Duration.ofSeconds(30));
            signals.signal(run);
        } catch (RuntimeException e) {
            LOG.warnf("lost %d characters of run %d's log: %s", text.length(), run, e.getMessage());
        }
    }

    @Override
    public void close() {
        flusher.cancel(false);
        flush();
    }
}
