package dev.drydock.tasks.service;

import dev.drydock.tasks.persistence.RunLogs;
import dev.drydock.tasks.persistence.Runs;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** Queues runs (quick builds, quick runs), cancels them, lists them and serves their logs, live or finished. */
@ApplicationScoped
public class RunService {

    private static final Logger LOG = Logger.getLogger(RunService.class);
    /** How long a follower waits for a signal before it looks anyway (the run may live on another replica). */
    private static final Duration FOLLOW_POLL = Duration.ofSeconds(1);

    private final Runs runs;
    private final RunLogs logs;
    private final RunWorker worker;
    private final LogSignals signals;

    RunService(Runs runs, RunLogs logs, RunWorker worker, LogSignals signals) {
        this.runs = runs;
        this.logs = logs;
        this.worker = worker;
        this.signals = signals;
    }

    public Uni<Runs.Run> quickBuild(String registry, Requests.BuildRequest build) {
        Map<String, String> secrets = new HashMap<>();
        JsonObject request = RunRequests.build(build.imageNames(), build.dockerFilePath(), build.arguments(),
                build.target(), build.isPushEnabled(), build.noCache(), build.sourceLocation(), secrets);
        return queue(new Runs.NewRun(registry, null, "QuickBuild", "Manual", RunRequests.platform(build.platform()),
                request, RunRequests.timeout(build.timeout()), secrets, RunRequests.agentPool(build.agentPoolName()), null));
    }

    public Uni<Runs.Run> quickRun(String registry, Requests.RunRequest run) {
        Map<String, String> secrets = new HashMap<>();
        JsonObject request = RunRequests.file(run.taskFile(), run.cmd(), run.cmd() == null ? null : run.timeout(),
                run.values(), run.secretValues(), run.sourceLocation(), secrets);
        return queue(new Runs.NewRun(registry, null, "QuickRun", "Manual", RunRequests.platform(run.platform()),
                request, RunRequests.timeout(run.timeout()), secrets, RunRequests.agentPool(run.agentPoolName()), null));
    }

    Uni<Runs.Run> queue(Runs.NewRun run) {
        return runs.create(run).invoke(created -> {
            LOG.infof("run %s/%s queued (%s%s)", created.registry(), created.runId(), created.runType(),
                    created.task() == null ? "" : ", task " + created.task());
            worker.wake();
        });
    }

    /** @return the run as it is after the request, or null when there is none */
    public Uni<Runs.Run> cancel(String registry, String runId) {
        return runs.requestCancel(registry, runId).invoke(run -> {
            if (run != null && run.cancelRequested()) {
                worker.cancelLocally(run.id());
            }
        });
    }

    public Uni<Runs.Run> find(String registry, String runId) {
        return runs.find(registry, runId);
    }

    public Uni<List<Runs.Run>> list(String registry, Runs.Filter filter) {
        return runs.list(registry, filter);
    }

    /**
     * The log's text in pieces: what is stored, then (with {@code follow}) what is appended until the run has
     * finished and its last chunk was sent.
     */
    public Multi<String> log(Runs.Run run, boolean follow) {
        AtomicInteger seq = new AtomicInteger();
        return Multi.createBy().repeating().uni(() -> next(run.id(), seq, follow))
                .until(Optional::isEmpty)
                .map(Optional::get)
                .filter(piece -> !piece.isEmpty());
    }

    /** The next piece of the log; empty text while a followed run is quiet; no piece at the end. */
    private Uni<Optional<String>> next(long id, AtomicInteger seq, boolean follow) {
        // subscribe before reading, so a chunk stored between the read and the wait is not slept through
        Uni<Void> signal = signals.next(id, FOLLOW_POLL);
        return logs.read(id, seq.get(), 64).chain(chunks -> {
            if (!chunks.isEmpty()) {
                seq.set(chunks.get(chunks.size() - 1).seq());
                StringBuilder text = new StringBuilder();
                chunks.forEach(c -> text.append(c.text()));
                return Uni.createFrom().item(Optional.of(text.toString()));
            }
            if (!follow) {
                return Uni.createFrom().item(Optional.empty());
            }
            // nothing new: the log is complete once the run has finished (its last lines are stored before that)
            return runs.find(id).chain(current -> current == null || current.status().isFinished()
                    ? logs.read(id, seq.get(), 1).map(more -> more.isEmpty() ? Optional.<String>empty() : Optional.of(""))
                    : signal.replaceWith(Optional.of("")));
        });
    }
}
