package dev.drydock.registry.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** The queries of online garbage collection; each deletion re-checks its condition under a lock. */
@ApplicationScoped
public class Garbage {

    /** A repository's link that no manifest of that repository references. */
    private static final String UNREFERENCED_LINK = """
            rb.linked_at < now() - make_interval(secs => $%d)
            and not exists (select 1 from manifest m join manifest_reference mr on mr.manifest_id = m.id
                            where m.repository_id = rb.repository_id and mr.digest = rb.digest)
            and not exists (select 1 from deleted_manifest d
                            where d.repository_id = rb.repository_id and d.ref_digests @> array[rb.digest])""";

    private final Pool pool;

    Garbage(Pool pool) {
        this.pool = pool;
    }

    /**
     * Removes up to {@code batch} links no manifest of their repository references, older than the grace. The
     * links are locked first: a push holding them FOR SHARE finishes before, and the delete (a new statement,
     * a new snapshot) then sees its manifest and keeps the link. @return how many went
     */
    public Uni<Integer> unlinkUnreferenced(Duration grace, int batch) {
        double secs = grace.toMillis() / 1000.0;
        return pool.withTransaction(tx -> tx.preparedQuery("select rb.repository_id, rb.digest from repository_blob rb where "
                        + UNREFERENCED_LINK.formatted(1) + " limit $2 for update of rb skip locked")
                .execute(Tuple.of(secs, batch))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(0);
                    }
                    List<Long> repos = new ArrayList<>();
                    List<String> digests = new ArrayList<>();
                    for (Row row : rows) {
                        repos.add(row.getLong(0));
                        digests.add(row.getString(1));
                    }
                    return tx.preparedQuery("delete from repository_blob rb where (rb.repository_id, rb.digest) in "
                                    + "(select * from unnest($2::bigint[], $3::text[])) and " + UNREFERENCED_LINK.formatted(1))
                            .execute(Tuple.of(secs, repos.toArray(Long[]::new), digests.toArray(String[]::new)))
                            .map(result -> result.rowCount());
                }));
    }

    /** Blobs no repository links, older than the grace. */
    public Uni<List<String>> unlinkedBlobs(Duration grace, int batch) {
        return pool.preparedQuery("""
                select b.digest from blob b
                where b.created_at < now() - make_interval(secs => $1)
                  and not exists (select 1 from repository_blob rb where rb.digest = b.digest)
                limit $2""")
                .execute(Tuple.of(grace.toMillis() / 1000.0, batch))
                .map(rows -> {
                    List<String> digests = new ArrayList<>();
                    rows.forEach(row -> digests.add(row.getString(0)));
                    return digests;
                });
    }

    /** Deletes the blob's row if still no repository links it; its size when deleted, else null. */
    public Uni<Long> deleteBlobRow(SqlClient tx, String digest) {
        return tx.preparedQuery("""
                delete from blob b where b.digest = $1
                  and not exists (select 1 from repository_blob rb where rb.digest = b.digest) returning size""")
                .execute(Tuple.of(digest))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getLong(0));
    }

    /** Those digests that have a blob row. */
    public Uni<Set<String>> known(SqlClient client, List<String> digests) {
        return client.preparedQuery("select digest from blob where digest = any($1)")
                .execute(Tuple.of(digests.toArray(String[]::new)))
                .map(rows -> {
                    Set<String> known = new HashSet<>();
                    rows.forEach(row -> known.add(row.getString(0)));
                    return known;
                });
    }

    /** Those upload ids that have a session. */
    public Uni<Set<UUID>> activeUploads(List<UUID> ids) {
        return pool.preparedQuery("select id from upload where id = any($1)")
                .execute(Tuple.of(ids.toArray(UUID[]::new)))
                .map(rows -> {
                    Set<UUID> active = new HashSet<>();
                    rows.forEach(row -> active.add(row.getUUID(0)));
                    return active;
                });
    }

    /** Repositories with nothing left (no manifest, soft-deleted manifest, link or upload), untouched for the grace. */
    public Uni<Integer> deleteEmptyRepositories(Duration grace) {
        return pool.preparedQuery("""
                delete from repository r where r.updated_at < now() - make_interval(secs => $1)
                  and not exists (select 1 from manifest m where m.repository_id = r.id)
                  and not exists (select 1 from deleted_manifest d where d.repository_id = r.id)
                  and not exists (select 1 from repository_blob rb where rb.repository_id = r.id)
                  and not exists (select 1 from upload u where u.repository_id = r.id)""")
                .execute(Tuple.of(grace.toMillis() / 1000.0)).map(result -> result.rowCount());
    }

    /** Finished webhook deliveries older than {@code age}: the event log keeps a bounded history. */
    public Uni<Integer> deleteOldDeliveries(Duration age) {
        return pool.preparedQuery("""
                delete from webhook_delivery where state <> 'pending' and created_at < now() - make_interval(secs => $1)""")
                .execute(Tuple.of((double) age.toSeconds())).map(result -> result.rowCount());
    }

    /** A manifest whose retention ran out: where it is, to delete it through the normal path. */
    public record Expired(long registryId, String repository, String digest) {
    }

    /**
     * Image manifests and indexes, Docker's and OCI's, untagged for longer than their registry's retention days,
     * untagged after the policy was enabled, unlocked, no index's child and no referrer of a manifest still there
     * (a signature or SBOM goes with its subject, never before it). ACR covers only Docker's types; buildah and
     * podman push OCI's by default, so retention that skipped them would do nothing for most users.
     */
    public Uni<List<Expired>> expiredUntagged(int batch) {
        return pool.preparedQuery("""
                select g.id, r.name, m.digest from manifest m
                join repository r on r.id = m.repository_id join registry g on g.id = r.registry_id
                where g.retention_enabled and g.sku = 'Premium'
                  and m.untagged_at is not null and m.untagged_at >= g.retention_enabled_at
                  and m.untagged_at < now() - make_interval(days => g.retention_days)
                  and m.media_type in ('application/vnd.docker.distribution.manifest.v2+json',
                                       'application/vnd.docker.distribution.manifest.list.v2+json',
                                       'application/vnd.oci.image.manifest.v1+json',
                                       'application/vnd.oci.image.index.v1+json')
                  and m.delete_enabled and m.write_enabled and r.delete_enabled and r.write_enabled
                  and not exists (select 1 from tag t where t.manifest_id = m.id)
                  and not exists (select 1 from manifest p join manifest_reference mr on mr.manifest_id = p.id
                                  where p.repository_id = m.repository_id and mr.kind = 'manifest'
                                    and mr.digest = m.digest)
                  and not exists (select 1 from manifest s where s.repository_id = m.repository_id
                                  and s.digest = m.subject_digest)
                order by m.untagged_at limit $1""")
                .execute(Tuple.of(batch))
                .map(rows -> {
                    List<Expired> expired = new ArrayList<>();
                    rows.forEach(row -> expired.add(new Expired(row.getLong(0), row.getString(1), row.getString(2))));
                    return expired;
                });
    }
}
