package dev.drydock.registry.persistence;

import dev.drydock.oci.Descriptor;
import dev.drydock.oci.Manifest;
import dev.drydock.registry.domain.Referrer;
import dev.drydock.registry.domain.StoredManifest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Manifests (their exact bytes), their references and tags. */
@ApplicationScoped
public class Manifests {

    private static final String COLUMNS = "m.id, m.digest, m.media_type, m.content";

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
                 from tag t join repository r on r.id = t.repository_id join manifest m on m.id = t.manifest_id
                where r.registry_id = $1 and r.name = $2 and t.name = $3""")
                .execute(Tuple.of(registryId, repository, tag)).map(Manifests::first);
    }

    private static StoredManifest first(RowSet<Row> rows) {
        if (rows.size() == 0) {
            return null;
        }
        Row row = rows.iterator().next();
        return new StoredManifest(row.getLong(0), row.getString(1), row.getString(2), row.getBuffer(3).getBytes());
    }

    /** Digests among {@code digests} that are manifests of the repository. */
    public Uni<Set<String>> present(SqlClient client, long repositoryId, List<String> digests) {
        return client.preparedQuery("select digest from manifest where repository_id = $1 and digest = any($2)")
                .execute(Tuple.of(repositoryId, digests.toArray(String[]::new)))
                .map(rows -> {
                    Set<String> found = new HashSet<>();
                    rows.forEach(row -> found.add(row.getString(0)));
                    return found;
                });
    }

    /** Stores the manifest unless the repository has it already; returns its id either way. */
    public Uni<Long> store(SqlClient client, long repositoryId, Manifest manifest, byte[] content,
            String annotationsJson) {
        return client.preparedQuery("""
                insert into manifest (repository_id, digest, media_type, artifact_type, subject_digest, size, content,
                                      annotations)
                values ($1, $2, $3, $4, $5, $6, $7, $8)
                on conflict (repository_id, digest) do update set digest = excluded.digest
                returning id, (xmax = 0) as inserted""")
                .execute(Tuple.tuple()
                        .addLong(repositoryId)
                        .addString(manifest.digest().toString())
                        .addString(manifest.mediaType())
                        .addString(manifest.effectiveArtifactType())
                        .addString(manifest.subject() == null ? null : manifest.subject().digest().toString())
                        .addInteger(content.length)
                        .addBuffer(Buffer.buffer(content))
                        .addString(annotationsJson))
                .chain(rows -> {
                    Row row = rows.iterator().next();
                    long id = row.getLong(0);
                    if (!row.getBoolean(1)) {
                        return Uni.createFrom().item(id);
                    }
                    return references(client, id, manifest).replaceWith(id);
                });
    }

    private Uni<Void> references(SqlClient client, long manifestId, Manifest manifest) {
        List<Tuple> rows = new ArrayList<>();
        if (manifest.config() != null) {
            rows.add(Tuple.of(manifestId, "config", manifest.config().digest().toString()));
        }
        for (Descriptor layer : manifest.layers()) {
            rows.add(Tuple.of(manifestId, "layer", layer.digest().toString()));
        }
        for (Descriptor child : manifest.manifests()) {
            rows.add(Tuple.of(manifestId, "manifest", child.digest().toString()));
        }
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return client.preparedQuery(
                "insert into manifest_reference (manifest_id, kind, digest) values ($1, $2, $3) on conflict do nothing")
                .executeBatch(rows).replaceWithVoid();
    }

    public Uni<Void> tag(SqlClient client, long repositoryId, String tag, long manifestId) {
        return client.preparedQuery("""
                insert into tag (repository_id, name, manifest_id) values ($1, $2, $3)
                on conflict (repository_id, name) do update set manifest_id = excluded.manifest_id, updated_at = now()""")
                .execute(Tuple.of(repositoryId, tag, manifestId)).replaceWithVoid();
    }

    /** Deletes the manifest and the tags pointing at it; false when the repository does not have it. */
    public Uni<Boolean> delete(long registryId, String repository, String digest) {
        return pool.preparedQuery("""
                delete from manifest m using repository r
                where m.repository_id = r.id and r.registry_id = $1 and r.name = $2 and m.digest = $3""")
                .execute(Tuple.of(registryId, repository, digest)).map(result -> result.rowCount() > 0);
    }

    public Uni<Boolean> untag(long registryId, String repository, String tag) {
        return pool.preparedQuery("""
                delete from tag t using repository r
                where t.repository_id = r.id and r.registry_id = $1 and r.name = $2 and t.name = $3""")
                .execute(Tuple.of(registryId, repository, tag)).map(result -> result.rowCount() > 0);
    }

    /** Tags after {@code last} in byte order, at most {@code limit}. */
    public Uni<List<String>> tags(long repositoryId, String last, int limit) {
        return pool.preparedQuery("select name from tag where repository_id = $1 and name > $2 order by name limit $3")
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
