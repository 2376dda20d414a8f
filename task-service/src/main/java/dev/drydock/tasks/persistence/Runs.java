package dev.drydock.tasks.persistence;

import dev.drydock.events.EventTypes;
import dev.drydock.events.task.TaskRunChanged;
import dev.drydock.outbox.OutboxWriter;
import dev.drydock.tasks.domain.RunId;
import dev.drydock.tasks.domain.RunStatus;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs as rows: created Queued with the next run id of their registry, claimed by workers with
 * {@code FOR UPDATE SKIP LOCKED} (no run is claimed twice, however many replicas poll), moved only along
 * {@link RunStatus#canMoveTo}, and finished as Error when the service that ran them went away. Every change of
 * state writes its task.run.changed event into the outbox in the same transaction.
 */
@ApplicationScoped
public class Runs {

    /** A run as workers and the API see it. */
    public record Run(long id, String registry, String runId, String task, String runType, RunStatus status,
            JsonObject request, int timeoutSeconds, String claimedBy, String error, Instant createdAt,
            Instant startedAt, Instant finishedAt, String trigger, String platform, boolean cancelRequested,
            JsonArray outputImages, JsonArray dependencies, String sourceCommit, Instant updatedAt, String agentPool,
            JsonObject triggerInfo) {
    }

    /**
     * What a new run is.
     *
     * @param secrets     secret values by name, kept apart from the request
     * @param triggerInfo what started it beyond the trigger's name (ACR's imageUpdateTrigger, sourceTrigger,
     *                    timerTrigger), or null
     */
    public record NewRun(String registry, String task, String runType, String trigger, String platform,
            JsonObject request, int timeoutSeconds, Map<String, String> secrets, String agentPool,
            JsonObject triggerInfo) {
    }

    /** Which runs a listing shows. Null fields do not filter. */
    public record Filter(String task, RunStatus status, String image, int top) {
    }

    private static final String COLUMNS = "id, registry, run_id, task, run_type, status, request, timeout_seconds,"
            + " claimed_by, error, created_at, started_at, finished_at, trigger, platform, cancel_requested,"
            + " output_images, dependencies, source_commit, updated_at, agent_pool, trigger_info";

    private final Pool pool;
    private final OutboxWriter outbox;

    Runs(Pool pool, OutboxWriter outbox) {
        this.pool = pool;
        this.outbox = outbox;
    }

    /** Queues a run under the registry's next run id. */
    public Uni<Run> create(NewRun run) {
        return pool.withTransaction(tx -> create(tx, run));
    }

    /** The same inside the caller's transaction (a trigger records the event it consumed in it too). */
    public Uni<Run> create(SqlConnection tx, NewRun run) {
        return tx.preparedQuery("""
                        insert into run_sequence (registry, last) values ($1, 1)
                        on conflict (registry) do update set last = run_sequence.last + 1 returning last""")
                .execute(Tuple.of(run.registry()))
                .chain(rows -> tx.preparedQuery("""
                                insert into run (registry, run_id, task, run_type, request, timeout_seconds, trigger,
                                                 platform, agent_pool, trigger_info)
                                values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning""" + " " + COLUMNS)
                        .execute(Tuple.tuple().addString(run.registry())
                                .addString(RunId.of(rows.iterator().next().getLong(0))).addString(run.task())
                                .addString(run.runType()).addValue(run.request()).addInteger(run.timeoutSeconds())
                                .addString(run.trigger()).addString(run.platform())
                                .addString(run.agentPool()).addValue(run.triggerInfo())))
                .map(Runs::first)
                .call(created -> run.secrets().isEmpty() ? Uni.createFrom().voidItem() : tx.preparedQuery(
                                "insert into run_secret (run, name, value) values ($1, $2, $3)")
                        .executeBatch(run.secrets().entrySet().stream()
                                .map(e -> Tuple.of(created.id(), e.getKey(), e.getValue())).toList()))
                .call(created -> announce(tx, created));
    }

    /** Claims up to {@code limit} queued runs of an agent pool, oldest first, for {@code worker}: they become Started. */
    public Uni<List<Run>> claim(String worker, String agentPool, int limit) {
        return pool.withTransaction(tx -> tx.preparedQuery("""
                        update run set status = 'Started', claimed_by = $1, started_at = now(), updated_at = now()
                        where id in (select id from run where status = 'Queued' and agent_pool = $3
                                     order by created_at, id limit $2 for update skip locked)
                        returning""" + " " + COLUMNS)
                .execute(Tuple.of(worker, limit, agentPool)).map(Runs::all)
                .call(claimed -> announceAll(tx, claimed)));
    }

    /**
     * Moves the run from {@code from} to {@code to} if it still is in {@code from}; a finished run gets its
     * finish time and loses its secrets. @return the run as it is now, or null when it had moved on (cancelled
     * meanwhile, say) or the move is not allowed
     */
    public Uni<Run> transition(long id, RunStatus from, RunStatus to, String error) {
        return finish(id, from, to, error, null, null);
    }

    /** A transition that also records what the run produced and depended on. */
    public Uni<Run> finish(long id, RunStatus from, RunStatus to, String error, JsonArray outputImages,
            JsonArray dependencies) {
        if (!from.canMoveTo(to)) {
            return Uni.createFrom().nullItem();
        }
        return pool.withTransaction(tx -> tx.preparedQuery("""
                        update run set status = $3, error = coalesce($4, error), updated_at = now(),
                               finished_at = case when $5 then now() else finished_at end,
                               output_images = coalesce($6, output_images), dependencies = coalesce($7, dependencies)
                        where id = $1 and status = $2 returning""" + " " + COLUMNS)
                .execute(Tuple.tuple().addLong(id).addString(from.name()).addString(to.name()).addString(error)
                        .addBoolean(to.isFinished()).addValue(outputImages).addValue(dependencies))
                .map(Runs::first)
                .call(run -> run == null ? Uni.createFrom().voidItem() : afterChange(tx, run)));
    }

    /**
     * Asks for a run to end: a queued run is Canceled at once; a started or running one is flagged, and the worker
     * holding it kills its processes and finishes it as Canceled. @return the run, null when there is none
     */
    public Uni<Run> requestCancel(String registry, String runId) {
        return pool.withTransaction(tx -> tx.preparedQuery("""
                        update run set status = case when status = 'Queued' then 'Canceled' else status end,
                               finished_at = case when status = 'Queued' then now() else finished_at end,
                               error = case when status = 'Queued' then 'canceled before it started' else error end,
                               cancel_requested = status in ('Started', 'Running') or cancel_requested,
                               updated_at = now()
                        where registry = $1 and run_id = $2 returning""" + " " + COLUMNS)
                .execute(Tuple.of(registry, runId)).map(Runs::first)
                .call(run -> run != null && run.status() == RunStatus.Canceled && !run.cancelRequested()
                        ? afterChange(tx, run) : Uni.createFrom().voidItem()));
    }

    /**
     * Marks the runs this worker holds as alive. @return the ids among them whose cancellation was requested
     */
    public Uni<List<Long>> heartbeat(String worker, List<Long> held) {
        if (held.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return pool.preparedQuery("""
                        update run set updated_at = now()
                        where claimed_by = $1 and id = any($2) and status in ('Started', 'Running')
                        returning id, cancel_requested""")
                .execute(Tuple.of(worker, held.toArray(Long[]::new)))
                .map(rows -> {
                    List<Long> cancel = new ArrayList<>();
                    rows.forEach(row -> {
                        if (row.getBoolean(1)) {
                            cancel.add(row.getLong(0));
                        }
                    });
                    return cancel;
                });
    }

    /**
     * Finishes as Error every run a worker of this service instance held when it stopped: after a restart nothing
     * stays Started or Running. @return how many
     */
    public Uni<Integer> recover(String worker) {
        return errorWhere("claimed_by = $1", Tuple.of(worker), "the service stopped while the run was in progress");
    }

    /** Finishes as Error the runs whose worker, on any replica, has not touched them for {@code after}. */
    public Uni<Integer> abandon(Duration after) {
        return errorWhere("updated_at < now() - make_interval(secs => $1)", Tuple.of((double) after.toSeconds()),
                "the worker running it stopped answering");
    }

    private Uni<Integer> errorWhere(String condition, Tuple arguments, String error) {
        return pool.withTransaction(tx -> tx.preparedQuery(
                        "update run set status = 'Error', error = '" + error + "', finished_at = now(),"
                                + " updated_at = now() where status in ('Started', 'Running') and " + condition
                                + " returning " + COLUMNS)
                .execute(arguments).map(Runs::all)
                .call(runs -> Multi.createFrom().iterable(runs).onItem().transformToUniAndConcatenate(
                        run -> afterChange(tx, run)).collect().asList())
                .map(List::size));
    }

    public Uni<Run> find(String registry, String runId) {
        return pool.preparedQuery("select " + COLUMNS + " from run where registry = $1 and run_id = $2")
                .execute(Tuple.of(registry, runId)).map(Runs::first);
    }

    public Uni<Run> find(long id) {
        return pool.preparedQuery("select " + COLUMNS + " from run where id = $1").execute(Tuple.of(id))
                .map(Runs::first);
    }

    /** The newest runs first; {@code image} matches an output image as repo or repo:tag. */
    public Uni<List<Run>> list(String registry, Filter filter) {
        return pool.preparedQuery("select " + COLUMNS + """
                         from run where registry = $1
                          and ($2::text is null or lower(task) = lower($2))
                          and ($3::text is null or status = $3)
                          and ($4::text is null or exists (select 1 from jsonb_array_elements(output_images) o
                               where o->>'repository' = $4 or (o->>'repository') || ':' || (o->>'tag') = $4))
                        order by id desc limit $5""")
                .execute(Tuple.tuple().addString(registry).addString(filter.task())
                        .addString(filter.status() == null ? null : filter.status().name()).addString(filter.image())
                        .addInteger(filter.top()))
                .map(Runs::all);
    }

    /** The secret values a run was given, while it has not finished. */
    public Uni<Map<String, String>> secrets(long id) {
        return pool.preparedQuery("select name, value from run_secret where run = $1").execute(Tuple.of(id))
                .map(rows -> {
                    Map<String, String> secrets = new HashMap<>();
                    rows.forEach(row -> secrets.put(row.getString(0), row.getString(1)));
                    return secrets;
                });
    }

    public Uni<Void> recordCommit(long id, String commit) {
        return pool.preparedQuery("update run set source_commit = $2 where id = $1").execute(Tuple.of(id, commit))
                .replaceWithVoid();
    }

    private Uni<Void> afterChange(SqlConnection tx, Run run) {
        Uni<Void> forget = run.status().isFinished()
                ? tx.preparedQuery("delete from run_secret where run = $1").execute(Tuple.of(run.id())).replaceWithVoid()
                : Uni.createFrom().voidItem();
        return forget.chain(() -> announce(tx, run));
    }

    private Uni<Void> announceAll(SqlConnection tx, List<Run> runs) {
        return Multi.createFrom().iterable(runs).onItem().transformToUniAndConcatenate(run -> announce(tx, run))
                .collect().asList().replaceWithVoid();
    }

    private Uni<Void> announce(SqlConnection tx, Run run) {
        List<TaskRunChanged.OutputImage> images = new ArrayList<>();
        for (int i = 0; i < run.outputImages().size(); i++) {
            JsonObject image = run.outputImages().getJsonObject(i);
            images.add(new TaskRunChanged.OutputImage(image.getString("registry"), image.getString("repository"),
                    image.getString("tag"), image.getString("digest")));
        }
        return outbox.append(tx, EventTypes.TASK_RUN_CHANGED, new TaskRunChanged(run.registry(), run.runId(),
                run.runType(), run.task(), TaskRunChanged.RunStatus.valueOf(run.status().name()), images,
                run.startedAt(), run.finishedAt(), run.error()), run.registry() + "/" + run.runId()).replaceWithVoid();
    }

    private static Run first(RowSet<Row> rows) {
        return rows.size() == 0 ? null : map(rows.iterator().next());
    }

    private static List<Run> all(RowSet<Row> rows) {
        List<Run> runs = new ArrayList<>();
        rows.forEach(row -> runs.add(map(row)));
        return runs;
    }

    private static Run map(Row r) {
        return new Run(r.getLong(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                RunStatus.valueOf(r.getString(5)), (JsonObject) r.getValue(6), r.getInteger(7), r.getString(8),
                r.getString(9), instant(r, 10), instant(r, 11), instant(r, 12), r.getString(13), r.getString(14),
                r.getBoolean(15), (JsonArray) r.getValue(16), (JsonArray) r.getValue(17), r.getString(18),
                instant(r, 19), r.getString(20), (JsonObject) r.getValue(21));
    }

    private static Instant instant(Row row, int column) {
        return row.getOffsetDateTime(column) == null ? null : row.getOffsetDateTime(column).toInstant();
    }
}
