package dev.drydock.tasks.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Saved tasks per registry; names are unique regardless of case. */
@ApplicationScoped
public class Tasks {

    /**
     * @param secrets     secret values by "arg:NAME" or "value:NAME"; never shown by the API
     * @param timers      [{name, schedule, status}]
     * @param credentials by login server: {username, password} or {identity: true}; passwords never shown
     */
    public record Task(long id, String registry, String name, String status, String platform, int timeoutSeconds,
            int cpu, JsonObject step, JsonObject secrets, String agentPool, Instant createdAt, Instant updatedAt,
            Triggers triggers, JsonObject credentials) {
    }

    /** A task's triggers: base-image updates (Runtime or All), commits to its Git context, timers. */
    public record Triggers(boolean baseImage, String baseImageType, boolean source, JsonArray timers) {
        public static final Triggers DEFAULT = new Triggers(true, "Runtime", true, new JsonArray());
    }

    private static final String COLUMNS = "id, registry, name, status, platform, timeout_seconds, cpu, step, secrets,"
            + " agent_pool, created_at, updated_at, base_image_trigger_enabled, base_image_trigger_type,"
            + " source_trigger_enabled, timers, credentials";

    private final Pool pool;

    Tasks(Pool pool) {
        this.pool = pool;
    }

    /** @return the task, or null when one of that name exists */
    public Uni<Task> create(Task task) {
        return pool.preparedQuery("""
                        insert into task (registry, name, status, platform, timeout_seconds, cpu, step, secrets,
                                          agent_pool, base_image_trigger_enabled, base_image_trigger_type,
                                          source_trigger_enabled, timers)
                        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) on conflict do nothing
                        returning""" + " " + COLUMNS)
                .execute(values(task))
                .map(Tasks::first);
    }

    /** Replaces everything but the name. @return the task, or null when there is none */
    public Uni<Task> update(Task task) {
        return pool.preparedQuery("""
                        update task set status = $3, platform = $4, timeout_seconds = $5, cpu = $6, step = $7,
                               secrets = $8, agent_pool = $9, base_image_trigger_enabled = $10,
                               base_image_trigger_type = $11, source_trigger_enabled = $12, timers = $13,
                               updated_at = now()
                        where registry = $1 and lower(name) = lower($2) returning""" + " " + COLUMNS)
                .execute(values(task))
                .map(Tasks::first);
    }

    public Uni<Task> find(String registry, String name) {
        return pool.preparedQuery("select " + COLUMNS + " from task where registry = $1 and lower(name) = lower($2)")
                .execute(Tuple.of(registry, name)).map(Tasks::first);
    }

    public Uni<List<Task>> list(String registry) {
        return pool.preparedQuery("select " + COLUMNS + " from task where registry = $1 order by lower(name)")
                .execute(Tuple.of(registry)).map(Tasks::all);
    }

    private static List<Task> all(RowSet<Row> rows) {
        List<Task> tasks = new ArrayList<>();
        rows.forEach(row -> tasks.add(map(row)));
        return tasks;
    }

    /**
     * The enabled tasks with an enabled base-image trigger whose last successful run was built on
     * {@code repository:tag} in a registry known by one of {@code hosts}, on another digest than {@code digest}; a
     * Runtime trigger looks at the final stage's base only. Tasks created after the change are not affected.
     */
    public Uni<List<Task>> dependingOn(SqlConnection tx, List<String> hosts, String repository, String tag,
            String digest, Instant changedAt) {
        return tx.preparedQuery("select " + COLUMNS + """
                         from task t
                        where t.status = 'Enabled' and t.base_image_trigger_enabled and t.created_at <= $5
                          and exists (
                              select 1 from run r cross join jsonb_array_elements(r.dependencies) d
                               where r.id = (select max(id) from run where registry = t.registry
                                               and lower(task) = lower(t.name) and status = 'Succeeded')
                                 and d->>'registry' = any($1) and d->>'repository' = $2 and d->>'tag' = $3
                                 and d->>'digest' is distinct from $4
                                 and (t.base_image_trigger_type = 'All' or d->>'type' = 'RunTime'))""")
                .execute(Tuple.tuple().addArrayOfString(hosts.toArray(String[]::new)).addString(repository)
                        .addString(tag).addString(digest).addOffsetDateTime(changedAt.atOffset(ZoneOffset.UTC)))
                .map(Tasks::all);
    }

    /** Records that a base image's move to a digest triggered the task. @return false when it had already */
    public Uni<Boolean> claimBaseChange(SqlConnection tx, long task, String image, String digest) {
        return tx.preparedQuery("insert into base_image_change (task, image, digest) values ($1, $2, $3)"
                        + " on conflict do nothing")
                .execute(Tuple.of(task, image, digest)).map(result -> result.rowCount() == 1);
    }

    /** The enabled tasks with an enabled source trigger and a Git context. */
    public Uni<List<Task>> followingGit(SqlConnection tx) {
        return tx.preparedQuery("select " + COLUMNS + " from task where status = 'Enabled' and source_trigger_enabled"
                        + " and step->>'contextPath' ~ '^(https?|git)://'")
                .execute().map(Tasks::all);
    }

    /** The enabled tasks with at least one timer. */
    public Uni<List<Task>> withTimers() {
        return pool.preparedQuery("select " + COLUMNS + " from task where status = 'Enabled'"
                        + " and jsonb_array_length(timers) > 0")
                .execute().map(Tasks::all);
    }

    /** Records a timer's occurrence. @return false when a replica recorded (and ran) it already */
    public Uni<Boolean> claimFire(SqlConnection tx, long task, String timer, Instant occurrence) {
        return tx.preparedQuery("insert into timer_fire (task, timer, scheduled_at) values ($1, $2, $3)"
                        + " on conflict do nothing")
                .execute(Tuple.of(task, timer, occurrence.atOffset(ZoneOffset.UTC)))
                .map(result -> result.rowCount() == 1);
    }

    /** Adds or replaces the task's credential for {@code server}. @return the task, or null when there is none */
    public Uni<Task> putCredential(String registry, String name, String server, JsonObject credential) {
        return pool.preparedQuery("update task set credentials = credentials || jsonb_build_object($3::text, $4::jsonb),"
                        + " updated_at = now() where registry = $1 and lower(name) = lower($2) returning " + COLUMNS)
                .execute(Tuple.of(registry, name, server, credential)).map(Tasks::first);
    }

    /** @return whether the task had a credential for {@code server} */
    public Uni<Boolean> removeCredential(String registry, String name, String server) {
        return pool.preparedQuery("update task set credentials = credentials - $3, updated_at = now()"
                        + " where registry = $1 and lower(name) = lower($2) and credentials ? $3")
                .execute(Tuple.of(registry, name, server)).map(result -> result.rowCount() == 1);
    }

    public Uni<Boolean> delete(String registry, String name) {
        return pool.preparedQuery("delete from task where registry = $1 and lower(name) = lower($2)")
                .execute(Tuple.of(registry, name)).map(result -> result.rowCount() == 1);
    }

    /** $1..$13 of create and update: registry, name, then every field a task stores. */
    private static Tuple values(Task task) {
        return Tuple.tuple().addString(task.registry()).addString(task.name()).addString(task.status())
                .addString(task.platform()).addInteger(task.timeoutSeconds()).addInteger(task.cpu())
                .addValue(task.step()).addValue(task.secrets()).addString(task.agentPool())
                .addBoolean(task.triggers().baseImage()).addString(task.triggers().baseImageType())
                .addBoolean(task.triggers().source()).addValue(task.triggers().timers());
    }

    private static Task first(RowSet<Row> rows) {
        return rows.size() == 0 ? null : map(rows.iterator().next());
    }

    private static Task map(Row r) {
        return new Task(r.getLong(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                r.getInteger(5), r.getInteger(6), (JsonObject) r.getValue(7), (JsonObject) r.getValue(8),
                r.getString(9), r.getOffsetDateTime(10).toInstant(), r.getOffsetDateTime(11).toInstant(),
                new Triggers(r.getBoolean(12), r.getString(13), r.getBoolean(14), (JsonArray) r.getValue(15)),
                (JsonObject) r.getValue(16));
    }
}
