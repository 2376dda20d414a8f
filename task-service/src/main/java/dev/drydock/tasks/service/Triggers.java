package dev.drydock.tasks.service;

import dev.drydock.events.MalformedEventException;
import dev.drydock.events.registry.BaseImageUpdated;
import dev.drydock.events.registry.ImagePushed;
import dev.drydock.events.source.SourceCommitPushed;
import dev.drydock.outbox.IdempotentConsumer;
import dev.drydock.tasks.domain.Schedule;
import dev.drydock.tasks.domain.SourceLocation;
import dev.drydock.tasks.persistence.Runs;
import dev.drydock.tasks.persistence.Tasks;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What starts runs besides a person: a base image's tag moving (base-image.updated), a commit pushed to a task's
 * repository and branch (source.commit.pushed, from outside producers), and timers. Each event's runs are queued in
 * the transaction that records the event as processed, so a redelivered event, or one seen by two replicas,
 * queues them once; each timer occurrence is claimed by one replica through its row.
 */
@ApplicationScoped
public class Triggers {

    private static final Logger LOG = Logger.getLogger(Triggers.class);
    /** Occurrences older than this when first seen (the service was down) are not run late. */
    private static final Duration TIMER_CATCH_UP = Duration.ofMinutes(2);

    private final Pool pool;
    private final Tasks tasks;
    private final Runs runs;
    private final TaskService taskService;
    private final RegistryAccess registry;
    private final IdempotentConsumer idempotent;
    private final RunWorker worker;

    Triggers(Pool pool, Tasks tasks, Runs runs, TaskService taskService, RegistryAccess registry,
            IdempotentConsumer idempotent, RunWorker worker) {
        this.pool = pool;
        this.tasks = tasks;
        this.runs = runs;
        this.taskService = taskService;
        this.registry = registry;
        this.idempotent = idempotent;
        this.worker = worker;
    }

    /** Re-runs the tasks whose last successful run was built on the base that moved. */
    public Uni<Void> baseImageUpdated(String eventId, Instant time, BaseImageUpdated event) {
        return baseImageMoved("base-image-trigger", eventId, time, event.registry(), event.base().repository(),
                event.base().tag(), event.newDigest());
    }

    /**
     * The same for a tag pushed: it also reaches tasks whose images the registry does not hold (built without
     * push, or deleted since), which base-image.updated cannot name. Each move triggers a task once, whichever of
     * the two events arrives first.
     */
    public Uni<Void> imagePushed(String eventId, Instant time, ImagePushed event) {
        if (event.tag() == null) {
            return Uni.createFrom().voidItem();
        }
        return baseImageMoved("image-pushed-trigger", eventId, time, event.registry(), event.repository(),
                event.tag(), event.digest());
    }

    private Uni<Void> baseImageMoved(String consumer, String eventId, Instant time, String registryName,
            String repository, String tag, String digest) {
        String image = registryName + "/" + repository + ":" + tag;
        JsonObject info = new JsonObject().put("imageUpdateTrigger", new JsonObject().put("id", eventId)
                .put("timestamp", time.toString()).put("images", new JsonArray().add(new JsonObject()
                        .put("registry", registryName).put("repository", repository).put("tag", tag)
                        .put("digest", digest))));
        return apply(consumer, eventId, tx -> tasks.dependingOn(tx, registry.hostsOf(registryName), repository, tag,
                                digest, time)
                        .chain(found -> Multi.createFrom().iterable(found).onItem().transformToUniAndConcatenate(
                                        task -> tasks.claimBaseChange(tx, task.id(), image, digest)
                                                .map(first -> first ? task : null))
                                .filter(Objects::nonNull).collect().asList()),
                task -> taskService.runOf(task, TaskService.NO_OVERRIDES, "Image Update", info),
                "base image " + image + " moved to " + digest);
    }

    /** Runs the tasks whose Git context is that repository and branch, at that commit. */
    public Uni<Void> commitPushed(String eventId, Instant time, SourceCommitPushed event) {
        if (!event.commit().matches("[0-9a-f]{7,40}")) {
            return Uni.createFrom().failure(new MalformedEventException("commit '" + event.commit()
                    + "' is not a Git object id (7 to 40 lowercase hex digits)", null));
        }
        String url = normalized(event.repositoryUrl());
        JsonObject info = new JsonObject().put("sourceTrigger", new JsonObject().put("id", eventId)
                .put("eventType", "commit").put("commitId", event.commit()).put("repositoryUrl", event.repositoryUrl())
                .put("branchName", event.branch()).put("providerType", "Drydock"));
        return apply("source-trigger", eventId, tx -> tasks.followingGit(tx).map(all -> {
                    List<Tasks.Task> matching = new ArrayList<>();
                    for (Tasks.Task task : all) {
                        SourceLocation source = SourceLocation.parse(task.step().getString("contextPath"));
                        String branch = source.gitRef() == null ? SourceLocation.DEFAULT_BRANCH : source.gitRef();
                        if (normalized(source.gitUrl()).equals(url) && branch.equals(event.branch())
                                && !task.createdAt().isAfter(time)) {
                            matching.add(task);
                        }
                    }
                    return matching;
                }),
                task -> {
                    SourceLocation source = SourceLocation.parse(task.step().getString("contextPath"));
                    String at = source.gitUrl() + "#" + event.commit() + (source.folder() == null ? ""
                            : ":" + source.folder());
                    return taskService.runOf(task, new Requests.TaskRunRequest(null, null, null, at), "Commit", info);
                },
                "commit " + event.commit() + " on " + event.repositoryUrl() + "#" + event.branch());
    }

    /** Runs each enabled timer's latest occurrence that no replica ran yet. @return runs queued */
    public Uni<Integer> fireTimers(Instant now) {
        return tasks.withTimers().chain(all -> Multi.createFrom().iterable(all)
                .onItem().transformToUniAndConcatenate(task -> Multi.createFrom().iterable(task.triggers().timers())
                        .map(JsonObject.class::cast)
                        .filter(timer -> timer.getString("status").equals("Enabled"))
                        .onItem().transformToUniAndConcatenate(timer -> fire(task, timer, now))
                        .collect().with(Collectors.summingInt(Integer::intValue)))
                .collect().with(Collectors.summingInt(Integer::intValue)));
    }

    private Uni<Integer> fire(Tasks.Task task, JsonObject timer, Instant now) {
        Optional<Instant> last = Schedule.parse(timer.getString("schedule")).last(now);
        // an occurrence counts once the task (as it is now) existed, and only while it is recent
        if (last.isEmpty() || last.get().isBefore(task.updatedAt()) || last.get().isBefore(now.minus(TIMER_CATCH_UP))) {
            return Uni.createFrom().item(0);
        }
        String name = timer.getString("name");
        JsonObject info = new JsonObject().put("timerTrigger", new JsonObject().put("timerTriggerName", name)
                .put("scheduleOccurrence", last.get().toString()));
        return pool.withTransaction(tx -> tasks.claimFire(tx, task.id(), name, last.get()).chain(first -> first
                        ? runs.create(tx, taskService.runOf(task, TaskService.NO_OVERRIDES, "Timer", info)).map(run -> {
                            LOG.infof("timer %s of task %s/%s queued run %s for %s", name, task.registry(), task.name(),
                                    run.runId(), last.get());
                            return 1;
                        })
                        : Uni.createFrom().item(0)))
                .invoke(queued -> {
                    if (queued > 0) {
                        worker.wake();
                    }
                });
    }

    private interface Finder {
        Uni<List<Tasks.Task>> find(SqlConnection tx);
    }

    private interface RunMaker {
        Runs.NewRun make(Tasks.Task task);
    }

    private Uni<Void> apply(String consumer, String eventId, Finder finder, RunMaker maker, String what) {
        List<String> queued = new ArrayList<>();
        return pool.withTransaction(tx -> idempotent.applyOnce(tx, consumer, eventId, () -> finder.find(tx)
                        .chain(found -> Multi.createFrom().iterable(found)
                                .onItem().transformToUniAndConcatenate(task -> runs.create(tx, maker.make(task))
                                        .invoke(run -> queued.add(task.registry() + "/" + task.name() + " as "
                                                + run.runId())))
                                .collect().asList().replaceWithVoid())))
                .invoke(applied -> {
                    if (!queued.isEmpty()) {
                        LOG.infof("%s: queued %s", what, String.join(", ", queued));
                        worker.wake();
                    } else if (!applied) {
                        LOG.debugf("%s: event %s was applied before", what, eventId);
                    }
                })
                .replaceWithVoid();
    }

    /** Repository URLs compare without scheme case, trailing slash or .git. */
    static String normalized(String url) {
        try {
            URI uri = URI.create(url.strip());
            String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("/+$", "").replaceAll("\\.git$", "");
            return (uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT))
                    + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + path;
        } catch (IllegalArgumentException e) {
            return url.strip();
        }
    }
}
