package dev.drydock.registry.persistence;

import dev.drydock.registry.domain.ChangeableAttributes;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** Repositories of a registry. A repository row exists from its first upload; it is listed once it has content. */
@ApplicationScoped
public class Repositories {

    /**
     * Inserts the repository ($1 registry id, $2 name) unless it exists, returning its id either way. The update of
     * an existing row makes RETURNING answer for it too, and marks it used: garbage collection removes only
     * repositories untouched for its grace, and re-checks that on this row after waiting for its lock.
     * Other statements use it as a CTE named repo.
     */
    static final String UPSERT = """
            insert into repository (registry_id, name) values ($1, $2)
            on conflict (registry_id, name) do update set updated_at = now() returning id""";

    private final Pool pool;

    Repositories(Pool pool) {
        this.pool = pool;
    }

    /** The repository's id, or null when it does not exist. */
    public Uni<Long> find(long registryId, String name) {
        return pool.preparedQuery("select id from repository where registry_id = $1 and name = $2")
                .execute(Tuple.of(registryId, name))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getLong(0));
    }

    /** The repository's id, created when missing. */
    public Uni<Long> ensure(SqlClient client, long registryId, String name) {
        return client.preparedQuery(UPSERT)
                .execute(Tuple.of(registryId, name))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** A repository locked for a change of its content, with its own locks. */
    public record Locked(long id, ChangeableAttributes attributes) {
    }

    /**
     * Locks the repository's row for a push or a delete (which then run one after the other per repository) and
     * marks it updated; null when the repository does not exist.
     */
    public Uni<Locked> lockForChange(SqlClient tx, long registryId, String name) {
        return tx.preparedQuery("update repository set updated_at = now() where registry_id = $1 and name = $2"
                        + " returning id, " + Attributes.COLUMNS)
                .execute(Tuple.of(registryId, name))
                .map(rows -> rows.size() == 0 ? null
                        : new Locked(rows.iterator().next().getLong(0), Attributes.read(rows.iterator().next(), 1)));
    }

    /** The repository created when missing, locked for a push like {@link #lockForChange}, in one statement. */
    public Uni<Locked> ensureLocked(SqlClient tx, long registryId, String name) {
        return tx.preparedQuery(UPSERT + ", " + Attributes.COLUMNS)
                .execute(Tuple.of(registryId, name))
                .map(rows -> new Locked(rows.iterator().next().getLong(0), Attributes.read(rows.iterator().next(), 1)));
    }

    /** Names of repositories that hold at least one manifest, after {@code last}, in byte order. */
    public Uni<List<String>> listWithContent(long registryId, String last, int limit) {
        return pool.preparedQuery("""
                select r.name from repository r
                where r.registry_id = $1 and r.name > $2
                  and r.list_enabled and exists (select 1 from manifest m where m.repository_id = r.id)
                order by r.name limit $3""")
                .execute(Tuple.of(registryId, last == null ? "" : last, limit))
                .map(rows -> {
                    List<String> names = new java.util.ArrayList<>(rows.size());
                    for (Row row : rows) {
                        names.add(row.getString(0));
                    }
                    return names;
                });
    }
}
