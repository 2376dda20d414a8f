package dev.drydock.registry.persistence;

import dev.drydock.registry.domain.ChangeableAttributes;
import dev.drydock.registry.domain.Replication;
import dev.drydock.registry.domain.ReplicationTask;
import dev.drydock.registry.domain.SiteChange;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Replications of registries, the replicator's queue of copies from peers, and what it applied. */
@ApplicationScoped
public class Replications {

    private static final String COLUMNS = "registry_id, location, region_endpoint_enabled, provisioning_state, "
            + "status, status_message, status_at, created_at";
    private static final String TASK_COLUMNS =
            "id, peer, event_id, registry, repository, kind, digest, tag, changed_at, origin_site, attempts, attributes";

    /** Per peer and repository: copies waiting, the oldest one's error, and the last applied with its lag. */
    public record RepositoryStatus(String peer, String repository, long pending, String lastError, Long applied,
            Instant lastAppliedAt, Long lastLagMillis) {
    }

    private final Pool pool;

    Replications(Pool pool) {
        this.pool = pool;
    }

    /** Creates the replication; null when the registry has one in that location. */
    public Uni<Replication> create(long registryId, String location, boolean regionEndpointEnabled) {
        return pool.preparedQuery("insert into replication (registry_id, location, region_endpoint_enabled) "
                        + "values ($1, $2, $3) on conflict do nothing returning " + COLUMNS)
                .execute(Tuple.of(registryId, location, regionEndpointEnabled)).map(Replications::first);
    }

    public Uni<List<Replication>> list(long registryId) {
        return pool.preparedQuery("select " + COLUMNS + " from replication where registry_id = $1 order by location")
                .execute(Tuple.of(registryId)).map(Replications::all);
    }

    public Uni<Replication> find(long registryId, String location) {
        return pool.preparedQuery("select " + COLUMNS + " from replication where registry_id = $1 and location = $2")
                .execute(Tuple.of(registryId, location)).map(Replications::first);
    }

    /** Every replication this site is the home of (Deleting ones too), with its registry's name. */
    public Uni<List<Map.Entry<String, Replication>>> homed() {
        return pool.query("select r.name, " + prefixed("p") + " from replication p join registry r on r.id = "
                + "p.registry_id where r.home_site is null order by r.name")
                .execute().map(rows -> {
                    List<Map.Entry<String, Replication>> all = new ArrayList<>();
                    for (Row row : rows) {
                        all.add(Map.entry(row.getString(0), replication(row, 1)));
                    }
                    return all;
                });
    }

    public Uni<Replication> updateEndpoint(long registryId, String location, boolean regionEndpointEnabled) {
        return pool.preparedQuery("update replication set region_endpoint_enabled = $3 where registry_id = $1 "
                        + "and location = $2 returning " + COLUMNS)
                .execute(Tuple.of(registryId, location, regionEndpointEnabled)).map(Replications::first);
    }

    /** Records how the last call to the replica's site went, and the configuration it acknowledged. */
    public Uni<Void> reported(long registryId, String location, String provisioningState, String status,
            String message, String configuration) {
        return pool.preparedQuery("""
                update replication set provisioning_state = $3, status = $4, status_message = $5, status_at = now(),
                    configuration = coalesce($6, configuration)
                where registry_id = $1 and location = $2""")
                .execute(Tuple.tuple().addLong(registryId).addString(location).addString(provisioningState)
                        .addString(status).addString(message).addString(configuration)).replaceWithVoid();
    }

    public Uni<String> acknowledgedConfiguration(long registryId, String location) {
        return pool.preparedQuery("select configuration from replication where registry_id = $1 and location = $2")
                .execute(Tuple.of(registryId, location))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
    }

    public Uni<Boolean> delete(long registryId, String location) {
        return pool.preparedQuery("delete from replication where registry_id = $1 and location = $2")
                .execute(Tuple.of(registryId, location)).map(r -> r.rowCount() == 1);
    }

    /**
     * Whether this site copies the registry's content from {@code peer}: both sites are among the registry's
     * sites (its home and its replications' locations).
     */
    public Uni<Boolean> copiesFrom(String registry, String self, String peer) {
        return pool.preparedQuery("""
                select exists (select 1 from registry r where lower(r.name) = lower($1)
                    and (coalesce(r.home_site, $2) = $3
                         or exists (select 1 from replication p where p.registry_id = r.id and p.location = $3))
                    and (coalesce(r.home_site, $2) = $2
                         or exists (select 1 from replication p where p.registry_id = r.id and p.location = $2)))""")
                .execute(Tuple.of(registry, self, peer)).map(rows -> rows.iterator().next().getBoolean(0));
    }

    /** Queues a change; false when that event was queued before (a redelivery). */
    public Uni<Boolean> enqueue(ReplicationTask task) {
        ChangeableAttributes a = task.attributes();
        return pool.preparedQuery("""
                insert into replication_task (peer, event_id, registry, repository, kind, digest, tag, changed_at,
                    origin_site, attributes) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) on conflict do nothing""")
                .execute(Tuple.tuple().addString(task.peer()).addString(task.eventId()).addString(task.registry())
                        .addString(task.repository()).addString(task.kind().name().toLowerCase(Locale.ROOT))
                        .addString(task.digest()).addString(task.tag())
                        .addOffsetDateTime(task.change().at().atOffset(ZoneOffset.UTC)).addString(task.change().site())
                        .addValue(a == null ? null : new JsonObject().put("deleteEnabled", a.deleteEnabled())
                                .put("writeEnabled", a.writeEnabled()).put("listEnabled", a.listEnabled())
                                .put("readEnabled", a.readEnabled())))
                .map(r -> r.rowCount() == 1);
    }

    /**
     * Leases up to {@code limit} due tasks, each the oldest of its repository (a repository's copies apply in the
     * order their events came), for {@code lease}: a replica that dies mid-copy leaves it to another after that.
     */
    public Uni<List<ReplicationTask>> lease(int limit, Duration lease) {
        return pool.preparedQuery("""
                update replication_task set due_at = now() + $2 * interval '1 millisecond', attempts = attempts + 1
                where id in (select t.id from replication_task t
                    where t.due_at <= now() and not exists (select 1 from replication_task o
                        where o.registry = t.registry and o.repository = t.repository and o.id < t.id)
                    order by t.id limit $1 for update skip locked)
                returning""" + " " + TASK_COLUMNS)
                .execute(Tuple.of(limit, lease.toMillis())).map(rows -> {
                    List<ReplicationTask> tasks = new ArrayList<>();
                    for (Row row : rows) {
                        tasks.add(task(row));
                    }
                    tasks.sort((a, b) -> Long.compare(a.id(), b.id()));
                    return tasks;
                });
    }

    /** The task is done: it leaves the queue, and the repository's applied count and lag are recorded. */
    public Uni<Void> applied(ReplicationTask task, long lagMillis) {
        return pool.withTransaction(tx -> tx.preparedQuery("delete from replication_task where id = $1")
                .execute(Tuple.of(task.id()))
                .chain(() -> tx.preparedQuery("""
                        insert into replication_applied (peer, registry, repository, applied, last_at, last_lag_ms)
                        values ($1, $2, $3, 1, now(), $4)
                        on conflict (peer, registry, repository) do update set applied = replication_applied.applied + 1,
                            last_at = now(), last_lag_ms = excluded.last_lag_ms""")
                        .execute(Tuple.of(task.peer(), task.registry(), task.repository(), lagMillis))))
                .replaceWithVoid();
    }

    public Uni<Void> failed(ReplicationTask task, String error, Duration retryAfter) {
        return pool.preparedQuery("update replication_task set last_error = $2, "
                        + "due_at = now() + $3 * interval '1 millisecond' where id = $1")
                .execute(Tuple.of(task.id(), error, retryAfter.toMillis())).replaceWithVoid();
    }

    /** Copies still waiting, by any peer. */
    public Uni<Long> pending() {
        return pool.query("select count(*) from replication_task").execute()
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** What the registry's replicator here has waiting and has applied, per peer and repository. */
    public Uni<List<RepositoryStatus>> status(String registry) {
        return pool.preparedQuery("""
                with waiting as (
                    select peer, repository, count(*) as pending,
                           (array_agg(last_error order by id))[1] as last_error
                    from replication_task where lower(registry) = lower($1) group by peer, repository)
                select coalesce(w.peer, a.peer), coalesce(w.repository, a.repository), coalesce(w.pending, 0),
                       w.last_error, a.applied, a.last_at, a.last_lag_ms
                from waiting w full join (select * from replication_applied where lower(registry) = lower($1)) a
                    on a.peer = w.peer and a.repository = w.repository
                order by 1, 2""")
                .execute(Tuple.of(registry)).map(rows -> {
                    List<RepositoryStatus> all = new ArrayList<>();
                    for (Row row : rows) {
                        OffsetDateTime last = row.getOffsetDateTime(5);
                        all.add(new RepositoryStatus(row.getString(0), row.getString(1), row.getLong(2),
                                row.getString(3), row.getLong(4), last == null ? null : last.toInstant(),
                                row.getLong(6)));
                    }
                    return all;
                });
    }

    /** A manifest of a registry with one of its tags (or none) and that tag's last move: what a full sync compares. */
    public record Held(String repository, String digest, String tag, Instant changedAt, String changedSite) {
    }

    /** Every manifest of the registry, once per tag on it (once without a tag when it has none). */
    public Uni<List<Held>> inventory(long registryId) {
        return pool.preparedQuery("""
                select r.name, m.digest, t.name, coalesce(t.updated_at, m.created_at), coalesce(t.changed_site, '')
                from manifest m join repository r on r.id = m.repository_id
                left join tag t on t.manifest_id = m.id
                where r.registry_id = $1 order by r.name, m.id""")
                .execute(Tuple.of(registryId)).map(rows -> {
                    List<Held> all = new ArrayList<>();
                    for (Row row : rows) {
                        all.add(new Held(row.getString(0), row.getString(1), row.getString(2),
                                row.getOffsetDateTime(3).toInstant(), row.getString(4)));
                    }
                    return all;
                });
    }

    private static ReplicationTask task(Row row) {
        JsonObject a = (JsonObject) row.getValue(11);
        return new ReplicationTask(row.getLong(0), row.getString(1), row.getString(2), row.getString(3),
                row.getString(4), ReplicationTask.Kind.valueOf(row.getString(5).toUpperCase(Locale.ROOT)),
                row.getString(6), row.getString(7), a == null ? null : new ChangeableAttributes(
                        a.getBoolean("deleteEnabled"), a.getBoolean("writeEnabled"), a.getBoolean("listEnabled"),
                        a.getBoolean("readEnabled")),
                new SiteChange(row.getOffsetDateTime(8).toInstant(), row.getString(9)), row.getInteger(10));
    }

    private static String prefixed(String alias) {
        return String.join(", ", java.util.Arrays.stream(COLUMNS.split(", ")).map(c -> alias + "." + c).toList());
    }

    private static Replication replication(Row row, int at) {
        OffsetDateTime statusAt = row.getOffsetDateTime(at + 6);
        return new Replication(row.getLong(at), row.getString(at + 1), row.getBoolean(at + 2),
                row.getString(at + 3), row.getString(at + 4), row.getString(at + 5),
                statusAt == null ? null : statusAt.toInstant(), row.getOffsetDateTime(at + 7).toInstant());
    }

    private static Replication first(RowSet<Row> rows) {
        return rows.size() == 0 ? null : replication(rows.iterator().next(), 0);
    }

    private static List<Replication> all(RowSet<Row> rows) {
        List<Replication> list = new ArrayList<>();
        for (Row row : rows) {
            list.add(replication(row, 0));
        }
        return list;
    }
}
