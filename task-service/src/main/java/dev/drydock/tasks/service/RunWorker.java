package dev.drydock.tasks.service;

import dev.drydock.tasks.config.TasksConfig;
import dev.drydock.tasks.driver.RunControl;
import dev.drydock.tasks.persistence.Runs;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * This replica's agent pool: claims queued runs (FOR UPDATE SKIP LOCKED, so replicas share one queue) while it has
 * free slots, runs each on its own thread, keeps the runs it holds marked alive, acts on cancel requests made on
 * any replica, and finishes as Error what a stopped replica left behind: at start the runs this worker id held,
 * and at any time the runs nobody has touched for {@code abandoned-after}.
 */
@ApplicationScoped
public class RunWorker {

    private static final Logger LOG = Logger.getLogger(RunWorker.class);
    private static final Duration DB = Duration.ofSeconds(30);
    private static final Duration HEARTBEAT = Duration.ofSeconds(2);

    private final Runs runs;
    private final RunExecutor executor;
    private final Workspaces workspaces;
    private final TasksConfig config;
    private final String workerId;
    private final Semaphore slots;
    private final Map<Long, RunControl> held = new ConcurrentHashMap<>();
    private final Object wake = new Object();
    private ExecutorService pool;
    private ScheduledExecutorService heartbeat;
    private Thread poller;
    private volatile boolean stopping;

    RunWorker(Runs runs, RunExecutor executor, Workspaces workspaces, TasksConfig config) {
        this.runs = runs;
        this.executor = executor;
        this.workspaces = workspaces;
        this.config = config;
        this.workerId = config.workerId().orElseGet(RunWorker::hostName);
        this.slots = new Semaphore(config.concurrency());
    }

    void start(@Observes StartupEvent event) {
        int recovered = runs.recover(workerId).await().atMost(DB);
        if (recovered > 0) {
            LOG.infof("finished %d run(s) as Error that worker %s held when it stopped", recovered, workerId);
        }
        workspaces.clear();
        pool = Executors.newFixedThreadPool(config.concurrency(), r -> new Thread(r, "run-worker"));
        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "run-heartbeat");
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleWithFixedDelay(this::beat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(),
                TimeUnit.MILLISECONDS);
        poller = new Thread(this::poll, "run-poller");
        poller.setDaemon(true);
        poller.start();
        LOG.infof("worker %s runs up to %d run(s) at once", workerId, config.concurrency());
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        if (poller == null) {
            return;
        }
        poller.interrupt();
        held.values().forEach(control -> control.stop(RunControl.Stop.SHUTDOWN));
        pool.shutdown();
        try {
            if (!pool.awaitTermination(20, TimeUnit.SECONDS)) {
                LOG.warnf("%d run(s) still ending at shutdown; the next start finishes them as Error", held.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        heartbeat.shutdownNow();
    }

    /** Looks for queued runs now instead of at the next poll (a run was just queued on this replica). */
    public void wake() {
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    /** Stops a run this replica holds at once; other replicas see the request at their next heartbeat. */
    public void cancelLocally(long run) {
        RunControl control = held.get(run);
        if (control != null) {
            control.stop(RunControl.Stop.CANCELED);
        }
    }

    private void poll() {
        while (!stopping) {
            try {
                int free = slots.availablePermits();
                List<Runs.Run> claimed = free == 0 ? List.of() : runs.claim(workerId, config.agentPool(), free).await().atMost(DB);
                for (Runs.Run run : claimed) {
                    slots.acquire();
                    RunControl control = new RunControl(Duration.ofSeconds(run.timeoutSeconds()));
                    held.put(run.id(), control);
                    pool.execute(() -> {
                        try {
                            executor.execute(run, control);
                        } catch (RuntimeException e) {
                            LOG.errorf(e, "run %s/%s could not be finished", run.registry(), run.runId());
                        } finally {
                            held.remove(run.id());
                            slots.release();
                            wake();
                        }
                    });
                }
                if (claimed.isEmpty() || slots.availablePermits() == 0) {
                    synchronized (wake) {
                        wake.wait(config.pollInterval().toMillis());
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!stopping) {
                    LOG.warnf("claiming runs failed: %s", e.getMessage());
                    try {
                        synchronized (wake) {
                            wake.wait(config.pollInterval().toMillis());
                        }
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                }
            }
        }
    }

    private void beat() {
        try {
            List<Long> cancel = runs.heartbeat(workerId, new ArrayList<>(held.keySet())).await().atMost(DB);
            cancel.forEach(this::cancelLocally);
            int abandoned = runs.abandon(config.abandonedAfter()).await().atMost(DB);
            if (abandoned > 0) {
                LOG.infof("finished %d abandoned run(s) as Error", abandoned);
            }
        } catch (RuntimeException e) {
            LOG.debugf("heartbeat failed: %s", e.getMessage());
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "task-service";
        }
    }
}
