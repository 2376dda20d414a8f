package dev.drydock.registry.persistence;

import dev.drydock.oci.Descriptor;
import dev.drydock.oci.Manifest;
import dev.drydock.events.registry.BaseImageUpdated;
import dev.drydock.registry.domain.DeletionTarget;
import dev.drydock.registry.domain.ManifestFacts;
import dev.drydock.registry.domain.Referrer;
import dev.drydock.registry.domain.SiteChange;
import dev.drydock.registry.domain.StoredManifest;
import dev.drydock.registry.domain.TagState;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Manifests (their exact bytes), their references and tags. */
@ApplicationScoped
public class Manifests {

    private static final String COLUMNS = "m.id, m.digest, m.media_type, m.content, r.read_enabled and m.read_enabled";

    private final Pool pool;

    Manifests(Pool pool) {
        this.pool = pool;
    }

    public Uni<StoredManifest> byDigest(long registryId, String repository, String digest) {
        return pool.preparedQuery("select " + COLUMNS + """
                 from manifest m join repository r on r.id = m.repository_id
                where r.registry_id = $1 and r.name = $2 and m.digest = $3""")
                .execute(Tuple.of(registryId, repository, digest)).map(Manifests::first);
    }

    public Uni<StoredManifest> byTag(long registryId, String repository, String tag) {
        return pool.preparedQuery("select " + COLUMNS + """
                 , t.read_enabled from tag t join repository r on r.id = t.repository_id
                  join manifest m on m.id = t.manifest_id
                where r.registry_id = $1 and r.name = $2 and t.name = $3""")
                .execute(Tuple.of(registryId, repository, tag)).map(Manifests::first);
    }

    private static StoredManifest first(RowSet<Row> rows) {
        if (rows.size() == 0) {
            return null;
        }
        Row row = rows.iterator().next();
        boolean readable = row.getBoolean(4) && (row.size() < 6 || row.getBoolean(5));
        return new StoredManifest(row.getLong(0), row.getString(1), row.getString(2), row.getBuffer(3).getBytes(),
                readable);
    }

    /** Digests among {@code digests} that are manifests of the repository. */
    /** The sizes of those of {@code digests} the repository has, by digest. */
    public Uni<Map<String, Long>> sizesIn(SqlClient client, long repositoryId, List<String> digests) {
        return client.preparedQuery("select digest, size from manifest where repository_id = $1 and digest = any($2)")
                .execute(Tuple.of(repositoryId, digests.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, Long> found = new HashMap<>();
                    rows.forEach(row -> found.put(row.getString(0), row.getLong(1)));
                    return found;
                });
    }

    /** The id of the repository's live manifest of that digest; null when there is none. */
    public Uni<Long> idOf(SqlClient client, long repositoryId, String digest) {
        return client.preparedQuery("select id from manifest where repository_id = $1 and digest = $2")
                .execute(Tuple.of(repositoryId, digest))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getLong(0));
    }

    /**
     * Stores the manifest and what it references unless the repository has it already, in one statement; returns
     * its id either way.
     */
    public Uni<Long> store(SqlClient client, long repositoryId, Manifest manifest, byte[] content,
            String annotationsJson, ManifestFacts facts) {
        ManifestFacts.Base base = facts.base();
        List<String> kinds = new ArrayList<>();
        List<String> digests = new ArrayList<>();
        if (manifest.config() != null) {
            kinds.add("config");
            digests.add(manifest.config().digest().toString());
        }
        for (Descriptor layer : manifest.layers()) {
            kinds.add("layer");
            digests.add(layer.digest().toString());
        }
        for (Descriptor child : manifest.manifests()) {
            kinds.add("manifest");
            digests.add(child.digest().toString());
        }
        return client.preparedQuery("""
                with m as (
                    insert into manifest (repository_id, digest, media_type, artifact_type, subject_digest, size,
                                          content, annotations, architecture, os, config_media_type, image_size,
                                          base_name, base_digest, base_registry_id, base_repository, base_tag)
                    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
                    on conflict (repository_id, digest) do update set updated_at = now()
                    returning id, (xmax = 0) as inserted),
                refs as (
                    insert into manifest_reference (manifest_id, kind, digest)
                    select m.id, r.kind, r.digest from m, unnest($18::text[], $19::text[]) as r (kind, digest)
                    where m.inserted
                    on conflict do nothing)
                select id from m""")
                .execute(Tuple.tuple()
                        .addLong(repositoryId)
                        .addString(manifest.digest().toString())
                        .addString(manifest.mediaType())
                        .addString(manifest.effectiveArtifactType())
                        .addString(manifest.subject() == null ? null : manifest.subject().digest().toString())
                        .addInteger(content.length)
                        .addBuffer(Buffer.buffer(content))
                        .addString(annotationsJson)
                        .addString(facts.architecture())
                        .addString(facts.os())
                        .addString(facts.configMediaType())
                        .addLong(facts.imageSize())
                        .addString(base == null ? null : base.name())
                        .addString(base == null ? null : base.digest())
                        .addValue(base == null ? null : base.registryId())
                        .addString(base == null ? null : base.repository())
                        .addString(base == null ? null : base.tag())
                        .addArrayOfString(kinds.toArray(String[]::new))
                        .addArrayOfString(digests.toArray(String[]::new)))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    public Uni<Void> tag(SqlClient client, long repositoryId, String tag, long manifestId) {
        return tag(client, repositoryId, tag, manifestId, Instant.now(), "");
    }

    /** Points the tag at the manifest, recording when and on which site the move was made (last writer wins). */
    public Uni<Void> tag(SqlClient client, long repositoryId, String tag, long manifestId, Instant at, String site) {
        return client.preparedQuery("""
                insert into tag (repository_id, name, manifest_id, updated_at, changed_site) values ($1, $2, $3, $4, $5)
                on conflict (repository_id, name) do update set manifest_id = excluded.manifest_id,
                    updated_at = excluded.updated_at, changed_site = excluded.changed_site""")
                .execute(Tuple.of(repositoryId, tag, manifestId, at.atOffset(ZoneOffset.UTC), site)).replaceWithVoid();
    }

    /** Where the tags point now and their locks, locked for this transaction. */
    public Uni<Map<String, TagState>> tagStates(SqlClient client, long repositoryId, List<String> tags) {
        return client.preparedQuery("""
                select t.name, m.digest, t.delete_enabled, t.write_enabled, t.list_enabled, t.read_enabled,
                       t.updated_at, t.changed_site
                from tag t join manifest m on m.id = t.manifest_id
                where t.repository_id = $1 and t.name = any($2) for update of t""")
                .execute(Tuple.of(repositoryId, tags.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, TagState> states = new HashMap<>();
                    for (Row row : rows) {
                        states.put(row.getString(0), new TagState(row.getString(0), row.getString(1),
                                Attributes.read(row, 2), new SiteChange(row.getOffsetDateTime(6).toInstant(),
                                row.getString(7))));
                    }
                    return states;
                });
    }

    public Uni<Boolean> untag(SqlClient client, long repositoryId, String tag) {
        return client.preparedQuery("delete from tag where repository_id = $1 and name = $2")
                .execute(Tuple.of(repositoryId, tag)).map(result -> result.rowCount() > 0);
    }

    /**
     * The manifest and, transitively, the manifests whose subject it is (its referrers: signatures, SBOMs), which
     * go with it; the manifest's row is locked. Empty when the repository does not hold it.
     */
    public Uni<List<DeletionTarget>> deletionClosure(SqlClient client, long repositoryId, String digest) {
        return client.preparedQuery("select id from manifest where repository_id = $1 and digest = $2 for update")
                .execute(Tuple.of(repositoryId, digest))
                .chain(found -> found.size() == 0 ? Uni.createFrom().item(List.<DeletionTarget>of())
                        : client.preparedQuery("""
                        with recursive closure (id, digest) as (
                            select id, digest from manifest where repository_id = $1 and digest = $2
                            union
                            select m.id, m.digest from manifest m join closure c on m.subject_digest = c.digest
                            where m.repository_id = $1)""" + TARGETS)
                        .execute(Tuple.of(repositoryId, digest)).map(Manifests::targets));
    }

    /** Every manifest of the repository, for deleting the repository. */
    public Uni<List<DeletionTarget>> everything(SqlClient client, long repositoryId) {
        return client.preparedQuery("with closure (id) as (select id from manifest where repository_id = $1)" + TARGETS)
                .execute(Tuple.of(repositoryId)).map(Manifests::targets);
    }

    /** Reads the manifests named by a CTE {@code closure(id)} with their tags and whether locks allow deleting. */
    private static final String TARGETS = """
             select m.id, m.digest, m.media_type, m.image_size, m.delete_enabled and m.write_enabled,
                   coalesce(array_agg(t.name order by t.name) filter (where t.name is not null), '{}'),
                   bool_and(coalesce(t.delete_enabled and t.write_enabled, true))
            from closure c join manifest m on m.id = c.id left join tag t on t.manifest_id = m.id
            group by m.id order by m.id""";

    private static List<DeletionTarget> targets(RowSet<Row> rows) {
        List<DeletionTarget> targets = new ArrayList<>();
        for (Row row : rows) {
            targets.add(new DeletionTarget(row.getLong(0), row.getString(1), row.getString(2), row.getLong(3),
                    List.of(row.getArrayOfStrings(5)), row.getBoolean(4) && row.getBoolean(6)));
        }
        return targets;
    }

    public Uni<Void> deleteAll(SqlClient client, List<Long> ids) {
        return client.preparedQuery("delete from manifest where id = any($1)")
                .execute(Tuple.of(ids.toArray(Long[]::new))).replaceWithVoid();
    }

    /**
     * Images stored in the registry that name {@code repository:tag} of it as their base but were built on
     * another digest than {@code newDigest}: one entry per tag, or one without tag for an untagged manifest.
     */
    public Uni<List<BaseImageUpdated.Dependent>> dependents(SqlClient client, long registryId, String repository,
            String tag, String newDigest) {
        return client.preparedQuery("""
                select r.name, t.name, m.digest
                from manifest m join repository r on r.id = m.repository_id left join tag t on t.manifest_id = m.id
                where m.base_registry_id = $1 and m.base_repository = $2 and m.base_tag = $3
                  and m.base_digest is distinct from $4
                order by r.name, m.digest, t.name""")
                .execute(Tuple.of(registryId, repository, tag, newDigest))
                .map(rows -> {
                    List<BaseImageUpdated.Dependent> dependents = new ArrayList<>();
                    rows.forEach(row -> dependents.add(new BaseImageUpdated.Dependent(row.getString(0),
                            row.getString(1), row.getString(2))));
                    return dependents;
                });
    }

    /** Tags after {@code last} in byte order, at most {@code limit}. */
    public Uni<List<String>> tags(long repositoryId, String last, int limit) {
        return pool.preparedQuery("select name from tag where repository_id = $1 and name > $2 and list_enabled order by name limit $3")
                .execute(Tuple.of(repositoryId, last == null ? "" : last, limit))
                .map(rows -> {
                    List<String> tags = new ArrayList<>(rows.size());
                    rows.forEach(row -> tags.add(row.getString(0)));
                    return tags;
                });
    }

    public Uni<Boolean> hasContent(long repositoryId) {
        return pool.preparedQuery("select exists (select 1 from manifest where repository_id = $1)")
                .execute(Tuple.of(repositoryId)).map(rows -> rows.iterator().next().getBoolean(0));
    }

    public Uni<List<Referrer>> referrers(long repositoryId, String subject, String artifactType) {
        String sql = """
                select digest, media_type, size, artifact_type, annotations from manifest
                where repository_id = $1 and subject_digest = $2""";
        Tuple params = Tuple.of(repositoryId, subject);
        if (artifactType != null) {
            sql += " and artifact_type = $3";
            params.addString(artifactType);
        }
        return pool.preparedQuery(sql + " order by id").execute(params)
                .map(rows -> {
                    List<Referrer> referrers = new ArrayList<>(rows.size());
                    rows.forEach(row -> referrers.add(new Referrer(row.getString(0), row.getString(1),
                            row.getInteger(2), row.getString(3), row.getString(4))));
                    return referrers;
                });
    }
}
