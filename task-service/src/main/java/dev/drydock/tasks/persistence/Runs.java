package dev.drydock.tasks.persistence;

import dev.drydock.tasks.domain.RunId;
import dev.drydock.tasks.domain.RunStatus;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs as rows: created Queued with the next run id of their registry, claimed by workers with
 * {@code FOR UPDATE SKIP LOCKED} (no run is claimed twice, however many replicas poll), moved only along
 * {@link RunStatus#canMoveTo}, and finished as Error when the service that ran them went away.
 */
@ApplicationScoped
public class Runs {

    /** A run as workers and the API see it. */
    public record Run(long id, String registry, String runId, String task, String runType, RunStatus status,
            JsonObject request, int timeoutSeconds, String claimedBy, String error, Instant createdAt,
            Instant startedAt, Instant finishedAt) {
    }

    private static final String COLUMNS = "id, registry, run_id, task, run_type, status, request, timeout_seconds,"
            + " claimed_by, error, created_at, started_at, finished_at";

    private final Pool pool;

    Runs(Pool pool) {
        this.pool = pool;
    }

    /** Queues a run under the registry's next run id. */
    public Uni<Run> create(String registry, String task, String runType, JsonObject request, int timeoutSeconds) {
        return pool.withTransaction(tx -> tx.preparedQuery("""
                        insert into run_sequence (registry, last) values ($1, 1)
                        on conflict (registry) do update set last = run_sequence.last + 1 returning last""")
                .execute(Tuple.of(registry))
                .chain(rows -> tx.preparedQuery("""
                                insert into run (registry, run_id, task, run_type, request, timeout_seconds)
                                values ($1, $2, $3, $4, $5, $6) returning""" + " " + COLUMNS)
                        .execute(Tuple.tuple().addString(registry)
                                .addString(RunId.of(rows.iterator().next().getLong(0))).addString(task)
                                .addString(runType).addValue(request).addInteger(timeoutSeconds)))
                .map(Runs::first));
    }

    /** Claims up to {@code limit} queued runs, oldest first, for {@code worker}: they become Started. */
    public Uni<List<Run>> claim(String worker, int limit) {
        return pool.preparedQuery("""
                update run set status = 'Started', claimed_by = $1, started_at = now(), updated_at = now()
                where id in (select id from run where status = 'Queued' order by created_at, id
                             limit $2 for update skip locked)
                returning""" + " " + COLUMNS)
                .execute(Tuple.of(worker, limit)).map(Runs::all);
    }

    /**
     * Moves the run from {@code from} to {@code to} if it still is in {@code from}; a finished run gets its
     * finish time. @return false when the run had moved on (cancelled meanwhile, say) or the move is not allowed
     */
    public Uni<Boolean> transition(long id, RunStatus from, RunStatus to, String error) {
        if (!from.canMoveTo(to)) {
            return Uni.createFrom().item(false);
        }
        return pool.preparedQuery("""
                update run set status = $3, error = coalesce($4, error), updated_at = now(),
                       finished_at = case when $5 then now() else finished_at end
                where id = $1 and status = $2""")
                .execute(Tuple.of(id, from.name(), to.name(), error, to.isFinished()))
                .map(result -> result.rowCount() == 1);
    }

    /**
     * Finishes as Error every run a worker of this service instance held when it stopped: after a restart nothing
     * stays Started or Running. @return how many
     */
    public Uni<Integer> recover(String worker) {
        return pool.preparedQuery("""
                update run set status = 'Error', error = 'the service stopped while the run was in progress',
                       finished_at = now(), updated_at = now()
                where claimed_by = $1 and status in ('Started', 'Running')""")
                .execute(Tuple.of(worker)).map(result -> result.rowCount());
    }

    public Uni<Run> find(String registry, String runId) {
        return pool.preparedQuery("select " + COLUMNS + " from run where registry = $1 and run_id = $2")
                .execute(Tuple.of(registry, runId)).map(Runs::first);
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
                r.getString(9), instant(r, 10), instant(r, 11), instant(r, 12));
    }

    private static Instant instant(Row row, int column) {
        return row.getOffsetDateTime(column) == null ? null : row.getOffsetDateTime(column).toInstant();
    }
}
