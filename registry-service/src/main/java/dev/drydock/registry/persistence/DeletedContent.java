package dev.drydock.registry.persistence;

import dev.drydock.registry.domain.DeletedManifest;
import dev.drydock.registry.domain.DeletedTag;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/**
 * Soft-deleted manifests and tags. They live in tables of their own, not as flagged rows of the live ones, so that
 * no listing, pull, referrers query or metadata call can show them by forgetting a filter. The blobs they reference
 * stay linked to their repository (garbage collection counts them as references) until they expire.
 */
@ApplicationScoped
public class DeletedContent {

    private final Pool pool;

    DeletedContent(Pool pool) {
        this.pool = pool;
    }

    /**
     * Copies the manifests (and the tags on them) into the soft-delete tables before the caller deletes them; a
     * digest soft-deleted before is replaced by this newer copy.
     */
    public Uni<Void> keepManifests(SqlClient tx, List<Long> ids) {
        Long[] array = ids.toArray(Long[]::new);
        return tx.preparedQuery("""
                        delete from deleted_manifest d using manifest m
                        where m.id = any($1) and d.repository_id = m.repository_id and d.digest = m.digest""")
                .execute(Tuple.of(array))
                .chain(() -> tx.preparedQuery("""
                        with kept as (
                            insert into deleted_manifest (repository_id, digest, media_type, artifact_type, subject_digest,
                                   size, content, annotations, architecture, os, config_media_type, image_size,
                                   base_name, base_digest, base_registry_id, base_repository, base_tag, ref_kinds,
                                   ref_digests, created_at)
                            select m.repository_id, m.digest, m.media_type, m.artifact_type, m.subject_digest, m.size,
                                   m.content, m.annotations, m.architecture, m.os, m.config_media_type, m.image_size,
                                   m.base_name, m.base_digest, m.base_registry_id, m.base_repository, m.base_tag,
                                   coalesce(array_agg(r.kind order by r.kind, r.digest)
                                            filter (where r.digest is not null), '{}'),
                                   coalesce(array_agg(r.digest order by r.kind, r.digest)
                                            filter (where r.digest is not null), '{}'),
                                   m.created_at
                            from manifest m left join manifest_reference r on r.manifest_id = m.id
                            where m.id = any($1)
                            group by m.id)
                        insert into deleted_tag (repository_id, name, digest)
                        select t.repository_id, t.name, m.digest from tag t join manifest m on m.id = t.manifest_id
                        where t.manifest_id = any($1)""").execute(Tuple.of(array)))
                .replaceWithVoid();
    }

    public Uni<Void> keepTag(SqlClient tx, long repositoryId, String tag, String digest) {
        return tx.preparedQuery("insert into deleted_tag (repository_id, name, digest) values ($1, $2, $3)")
                .execute(Tuple.of(repositoryId, tag, digest)).replaceWithVoid();
    }

    /** Whether the repository holds that digest soft-deleted. */
    public Uni<Boolean> holds(SqlClient client, long repositoryId, String digest) {
        return client.preparedQuery("select 1 from deleted_manifest where repository_id = $1 and digest = $2")
                .execute(Tuple.of(repositoryId, digest)).map(rows -> rows.size() > 0);
    }

    public Uni<List<DeletedManifest>> manifests(SqlClient client, long repositoryId) {
        return client.preparedQuery("""
                        select digest, media_type, subject_digest, ref_kinds, ref_digests, deleted_at
                        from deleted_manifest where repository_id = $1 order by deleted_at desc, digest""")
                .execute(Tuple.of(repositoryId))
                .map(rows -> {
                    List<DeletedManifest> all = new ArrayList<>();
                    rows.forEach(row -> all.add(manifest(row)));
                    return all;
                });
    }

    /** The repository's soft-deleted manifest of that digest, locked for a restore; null when there is none. */
    public Uni<DeletedManifest> manifest(SqlClient tx, long repositoryId, String digest) {
        return tx.preparedQuery("""
                        select digest, media_type, subject_digest, ref_kinds, ref_digests, deleted_at
                        from deleted_manifest where repository_id = $1 and digest = $2 for update""")
                .execute(Tuple.of(repositoryId, digest))
                .map(rows -> rows.size() == 0 ? null : manifest(rows.iterator().next()));
    }

    private static DeletedManifest manifest(Row row) {
        String[] kinds = row.getArrayOfStrings(3);
        String[] digests = row.getArrayOfStrings(4);
        List<String> children = new ArrayList<>();
        for (int i = 0; i < kinds.length; i++) {
            if ("manifest".equals(kinds[i])) {
                children.add(digests[i]);
            }
        }
        return new DeletedManifest(row.getString(0), row.getString(1), row.getString(2), children,
                row.getOffsetDateTime(5).toInstant());
    }

    /** Soft-deleted tags, newest first; all of them or those of one name. */
    public Uni<List<DeletedTag>> tags(SqlClient client, long repositoryId, String name) {
        return client.preparedQuery("""
                        select name, digest, deleted_at from deleted_tag
                        where repository_id = $1 and ($2::text is null or name = $2)
                        order by deleted_at desc, id desc""")
                .execute(Tuple.of(repositoryId, name))
                .map(rows -> {
                    List<DeletedTag> all = new ArrayList<>();
                    rows.forEach(row -> all.add(new DeletedTag(row.getString(0), row.getString(1),
                            row.getOffsetDateTime(2).toInstant())));
                    return all;
                });
    }

    /**
     * Moves a soft-deleted manifest back into the live tables with its references, relinking the blobs it names.
     * @return the live manifest's id
     */
    public Uni<Long> revive(SqlClient tx, long repositoryId, String digest) {
        return tx.preparedQuery("""
                        with gone as (
                            delete from deleted_manifest where repository_id = $1 and digest = $2 returning *),
                        m as (
                            insert into manifest (repository_id, digest, media_type, artifact_type, subject_digest,
                                   size, content, annotations, architecture, os, config_media_type, image_size,
                                   base_name, base_digest, base_registry_id, base_repository, base_tag, created_at,
                                   untagged_at)
                            select repository_id, digest, media_type, artifact_type, subject_digest, size, content,
                                   annotations, architecture, os, config_media_type, image_size, base_name,
                                   base_digest, base_registry_id, base_repository, base_tag, created_at, now()
                            from gone returning id),
                        refs as (
                            insert into manifest_reference (manifest_id, kind, digest)
                            select m.id, r.kind, r.digest from m, gone, unnest(gone.ref_kinds, gone.ref_digests)
                                   as r (kind, digest)
                            on conflict do nothing),
                        links as (
                            insert into repository_blob (repository_id, digest)
                            select $1, r.digest from gone, unnest(gone.ref_kinds, gone.ref_digests) as r (kind, digest)
                            join blob b on b.digest = r.digest
                            where r.kind <> 'manifest'
                            on conflict (repository_id, digest) do update set linked_at = now())
                        select id from m""")
                .execute(Tuple.of(repositoryId, digest))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getLong(0));
    }

    /** Forgets the soft-deleted tag entries of that name and digest (it is live again). */
    public Uni<Void> forgetTag(SqlClient tx, long repositoryId, String name, String digest) {
        return tx.preparedQuery("delete from deleted_tag where repository_id = $1 and name = $2 and digest = $3")
                .execute(Tuple.of(repositoryId, name, digest)).replaceWithVoid();
    }

    /** Repositories of the registry deleted as a whole that still hold soft-deleted manifests. */
    public Uni<List<String>> repositories(long registryId) {
        return pool.preparedQuery("""
                        select r.name from repository r
                        where r.registry_id = $1 and r.deleted_at is not null
                          and exists (select 1 from deleted_manifest d where d.repository_id = r.id)
                          and not exists (select 1 from manifest m where m.repository_id = r.id)
                        order by r.name""")
                .execute(Tuple.of(registryId))
                .map(rows -> {
                    List<String> names = new ArrayList<>();
                    rows.forEach(row -> names.add(row.getString(0)));
                    return names;
                });
    }

    public Uni<Void> markRepositoryDeleted(SqlClient tx, long repositoryId, boolean deleted) {
        // only a change writes: a push into a live repository costs no new row version
        return tx.preparedQuery("update repository set deleted_at = case when $2 then now() end"
                        + " where id = $1 and (deleted_at is not null) <> $2")
                .execute(Tuple.of(repositoryId, deleted)).replaceWithVoid();
    }

    /**
     * Soft-deleted manifests and tags older than their registry's current days (ACR counts with the current
     * setting, so lengthening it keeps what was deleted longer). @return how many went
     */
    public Uni<Integer> expire() {
        return pool.query("""
                        with expired_manifests as (
                            delete from deleted_manifest d using repository r, registry g
                            where r.id = d.repository_id and g.id = r.registry_id
                              and d.deleted_at < now() - make_interval(days => g.soft_delete_days) returning 1),
                        expired_tags as (
                            delete from deleted_tag t using repository r, registry g
                            where r.id = t.repository_id and g.id = r.registry_id
                              and t.deleted_at < now() - make_interval(days => g.soft_delete_days) returning 1)
                        select (select count(*) from expired_manifests) + (select count(*) from expired_tags)""")
                .execute().map(rows -> (int) rows.iterator().next().getLong(0).longValue());
    }
}
