package dev.drydock.registry.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Which blobs exist and which repositories may see them. */
@ApplicationScoped
public class BlobLinks {

    private final Pool pool;

    BlobLinks(Pool pool) {
        this.pool = pool;
    }

    /** The size of the blob as the repository sees it, or null when the repository has no link to it. */
    public Uni<Long> sizeIn(long registryId, String repository, String digest) {
        return pool.preparedQuery("""
                select b.size from repository r
                join repository_blob rb on rb.repository_id = r.id
                join blob b on b.digest = rb.digest
                where r.registry_id = $1 and r.name = $2 and rb.digest = $3""")
                .execute(Tuple.of(registryId, repository, digest))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getLong(0));
    }

    /** A repository of the registry that has the blob, to mount it from; null when none has. */
    public Uni<String> repositoryWith(long registryId, String digest) {
        return pool.preparedQuery("""
                select r.name from repository_blob rb join repository r on r.id = rb.repository_id
                where r.registry_id = $1 and rb.digest = $2 limit 1""")
                .execute(Tuple.of(registryId, digest))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
    }

    /** Sizes of those of the digests the repository sees. */
    public Uni<Map<String, Long>> sizesIn(SqlClient client, long repositoryId, List<String> digests) {
        return client.preparedQuery("""
                select b.digest, b.size from repository_blob rb join blob b on b.digest = rb.digest
                where rb.repository_id = $1 and rb.digest = any($2) for share of rb""")
                .execute(Tuple.of(repositoryId, digests.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, Long> sizes = new HashMap<>();
                    for (Row row : rows) {
                        sizes.put(row.getString(0), row.getLong(1));
                    }
                    return sizes;
                });
    }

    /** Records a blob that arrived in one request and links it into the repository, created when new. */
    public Uni<Void> recordUpload(SqlClient client, long registryId, String repository, String digest, long size) {
        return client.preparedQuery("with repo as (" + Repositories.UPSERT + "),"
                + " blob_row as (insert into blob (digest, size) values ($3, $4) on conflict do nothing)"
                + " insert into repository_blob (repository_id, digest) select id, $3 from repo"
                + " on conflict (repository_id, digest) do update set linked_at = now()")
                .execute(Tuple.of(registryId, repository, digest, size)).replaceWithVoid();
    }

    public Uni<Void> link(SqlClient client, long repositoryId, String digest) {
        return client.preparedQuery("""
                insert into repository_blob (repository_id, digest) values ($1, $2)
                on conflict (repository_id, digest) do update set linked_at = now()""")
                .execute(Tuple.of(repositoryId, digest))
                .replaceWithVoid();
    }

    /** Removes the repository's link; false when there was none. */
    public Uni<Boolean> unlink(SqlClient tx, long repositoryId, String digest) {
        return tx.preparedQuery("delete from repository_blob where repository_id = $1 and digest = $2")
                .execute(Tuple.of(repositoryId, digest))
                .map(result -> result.rowCount() > 0);
    }
}
