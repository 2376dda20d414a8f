package dev.drydock.registry.persistence;

import dev.drydock.registry.domain.UploadSession;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** Upload sessions: which repository an upload belongs to and how many bytes it holds. */
@ApplicationScoped
public class UploadSessions {

    private final Pool pool;

    UploadSessions(Pool pool) {
        this.pool = pool;
    }

    /** Opens a session, creating the repository when it is new: one statement, one round trip. */
    public Uni<Void> create(long registryId, String repository, UUID id) {
        return pool.preparedQuery("with repo as (" + Repositories.UPSERT + ")"
                + " insert into upload (id, repository_id) select $3, id from repo")
                .execute(Tuple.of(registryId, repository, id)).replaceWithVoid();
    }

    /**
     * Ends a session whose bytes became a blob: records the blob, links it into the session's repository and
     * removes the session, atomically in one statement (foreign keys are checked at its end).
     */
    public Uni<Void> complete(SqlClient client, UUID id, long repositoryId, String digest, long size) {
        return client.preparedQuery("""
                with blob_row as (insert into blob (digest, size) values ($3, $4) on conflict do nothing),
                     link as (insert into repository_blob (repository_id, digest) values ($2, $3)
                              on conflict (repository_id, digest) do update set linked_at = now())
                delete from upload where id = $1""")
                .execute(Tuple.of(id, repositoryId, digest, size)).replaceWithVoid();
    }

    /** The session, when it exists and belongs to that repository. */
    public Uni<UploadSession> find(long registryId, String repository, UUID id) {
        return pool.preparedQuery("""
                select u.id, u.repository_id, u.size from upload u join repository r on r.id = u.repository_id
                where u.id = $1 and r.registry_id = $2 and r.name = $3""")
                .execute(Tuple.of(id, registryId, repository))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    Row row = rows.iterator().next();
                    return new UploadSession(row.getUUID(0), row.getLong(1), row.getLong(2));
                });
    }

    /** Moves the offset from {@code from} to {@code to}; false when another request moved it first. */
    public Uni<Boolean> advance(UUID id, long from, long to) {
        return pool.preparedQuery("update upload set size = $3, updated_at = now() where id = $1 and size = $2")
                .execute(Tuple.of(id, from, to))
                .map(result -> result.rowCount() == 1);
    }

    /** Removes sessions untouched for longer than {@code maxAge}; returns their ids. */
    public Uni<List<UUID>> deleteUntouchedFor(Duration maxAge) {
        return pool.preparedQuery("delete from upload where updated_at < now() - make_interval(secs => $1) returning id")
                .execute(Tuple.of((double) maxAge.toSeconds()))
                .map(rows -> {
                    List<UUID> ids = new java.util.ArrayList<>(rows.size());
                    rows.forEach(row -> ids.add(row.getUUID(0)));
                    return ids;
                });
    }

    public Uni<Boolean> delete(UUID id) {
        return pool.preparedQuery("delete from upload where id = $1").execute(Tuple.of(id))
                .map(result -> result.rowCount() == 1);
    }
}
