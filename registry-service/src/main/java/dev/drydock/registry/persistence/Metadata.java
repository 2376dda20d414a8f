package dev.drydock.registry.persistence;

import dev.drydock.registry.domain.ChangeableAttributes;
import dev.drydock.registry.domain.ManifestMetadata;
import dev.drydock.registry.domain.MetadataOrder;
import dev.drydock.registry.domain.RepositoryMetadata;
import dev.drydock.registry.domain.TagMetadata;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** The /acr/v1 view of repositories, tags and manifests: attributes, times and locks, as indexed queries. */
@ApplicationScoped
public class Metadata {

    private static final String TAG_COLUMNS = "t.name, m.digest, t.created_at, t.updated_at, t."
            + Attributes.COLUMNS.replace(", ", ", t.");

    private static final String MANIFEST_COLUMNS = """
            m.digest, m.image_size, m.created_at, m.updated_at, m.architecture, m.os, m.media_type,
            m.config_media_type,
            array(select t.name from tag t where t.manifest_id = m.id order by t.name),
            array(select c.digest || ' ' || coalesce(c.architecture, '') || ' ' || coalesce(c.os, '')
                  from manifest_reference mr join manifest c on c.repository_id = m.repository_id and c.digest = mr.digest
                  where mr.manifest_id = m.id and mr.kind = 'manifest' order by c.digest),
            m.""" + Attributes.COLUMNS.replace(", ", ", m.");

    private final Pool pool;

    Metadata(Pool pool) {
        this.pool = pool;
    }

    /** The repository when it holds at least one manifest (else it is gone for clients), with its counts. */
    public Uni<RepositoryMetadata> repository(long registryId, String name) {
        return pool.preparedQuery("""
                select r.id, r.name, r.created_at, r.updated_at,
                       (select count(*) from manifest m where m.repository_id = r.id),
                       (select count(*) from tag t where t.repository_id = r.id),
                       r.""" + Attributes.COLUMNS.replace(", ", ", r.")
                + " from repository r where r.registry_id = $1 and r.name = $2")
                .execute(Tuple.of(registryId, name))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    Row row = rows.iterator().next();
                    if (row.getLong(4) == 0) {
                        return null;
                    }
                    return new RepositoryMetadata(row.getLong(0), row.getString(1), instant(row, 2), instant(row, 3),
                            row.getLong(4), row.getLong(5), Attributes.read(row, 6));
                });
    }

    public Uni<ChangeableAttributes> updateRepository(SqlClient client, long repositoryId, ChangeableAttributes a) {
        return client.preparedQuery("""
                update repository set delete_enabled = $2, write_enabled = $3, list_enabled = $4, read_enabled = $5,
                       updated_at = now() where id = $1""")
                .execute(attributeTuple(repositoryId, a)).replaceWith(a);
    }

    /**
     * Listed tags, optionally only those on {@code digest}, after {@code last} in the order asked for.
     */
    public Uni<List<TagMetadata>> tags(long repositoryId, MetadataOrder order, String last, int limit, String digest) {
        String where = " where t.repository_id = $1 and t.list_enabled and ($4::text is null or m.digest = $4)";
        String sql = "select " + TAG_COLUMNS + " from tag t join manifest m on m.id = t.manifest_id" + where
                + after(order, "t.updated_at", "t.name",
                "(select updated_at from tag where repository_id = $1 and name = $2)")
                + orderBy(order, "t.updated_at", "t.name") + " limit $3";
        return pool.preparedQuery(sql).execute(Tuple.of(repositoryId, last, limit, digest))
                .map(rows -> map(rows, Metadata::tag));
    }

    public Uni<TagMetadata> tag(long repositoryId, String name) {
        return pool.preparedQuery("select " + TAG_COLUMNS
                        + " from tag t join manifest m on m.id = t.manifest_id where t.repository_id = $1 and t.name = $2")
                .execute(Tuple.of(repositoryId, name))
                .map(rows -> rows.size() == 0 ? null : tag(rows.iterator().next()));
    }

    public Uni<Boolean> updateTag(SqlClient client, long repositoryId, String name, ChangeableAttributes a) {
        return updateAttributes(client, "tag", "name", repositoryId, name, a);
    }

    public Uni<List<ManifestMetadata>> manifests(long repositoryId, MetadataOrder order, String last, int limit) {
        String sql = "select " + MANIFEST_COLUMNS + " from manifest m where m.repository_id = $1 and m.list_enabled"
                + after(order, "m.updated_at", "m.digest",
                "(select updated_at from manifest where repository_id = $1 and digest = $2)")
                + orderBy(order, "m.updated_at", "m.digest") + " limit $3";
        return pool.preparedQuery(sql).execute(Tuple.of(repositoryId, last, limit))
                .map(rows -> map(rows, Metadata::manifest));
    }

    public Uni<ManifestMetadata> manifest(long repositoryId, String digest) {
        return pool.preparedQuery("select " + MANIFEST_COLUMNS
                        + " from manifest m where m.repository_id = $1 and m.digest = $2")
                .execute(Tuple.of(repositoryId, digest))
                .map(rows -> rows.size() == 0 ? null : manifest(rows.iterator().next()));
    }

    public Uni<Boolean> updateManifest(SqlClient client, long repositoryId, String digest, ChangeableAttributes a) {
        return updateAttributes(client, "manifest", "digest", repositoryId, digest, a);
    }

    /** Sets the locks of the tag or manifest {@code key = value} of the repository, and its lastUpdateTime. */
    private static Uni<Boolean> updateAttributes(SqlClient client, String table, String key, long repositoryId,
            String value, ChangeableAttributes a) {
        return client.preparedQuery("update " + table + " set delete_enabled = $2, write_enabled = $3,"
                        + " list_enabled = $4, read_enabled = $5, updated_at = now()"
                        + " where repository_id = $1 and " + key + " = $6")
                .execute(attributeTuple(repositoryId, a).addString(value)).map(r -> r.rowCount() == 1);
    }

    /**
     * The paging condition: after the item named {@code $2} (by name or digest, or by its time then name).
     * A {@code last} that names nothing pages by its text, as the Distribution API does.
     */
    private static String after(MetadataOrder order, String time, String key, String lastTime) {
        return switch (order) {
            case NONE -> " and ($2::text is null or " + key + " > $2)";
            case TIMEDESC -> " and ($2::text is null or (" + time + ", " + key + ") < (coalesce(" + lastTime
                    + ", 'infinity'), $2))";
            case TIMEASC -> " and ($2::text is null or (" + time + ", " + key + ") > (coalesce(" + lastTime
                    + ", '-infinity'), $2))";
        };
    }

    private static String orderBy(MetadataOrder order, String time, String key) {
        return switch (order) {
            case NONE -> " order by " + key;
            case TIMEDESC -> " order by " + time + " desc, " + key + " desc";
            case TIMEASC -> " order by " + time + ", " + key;
        };
    }

    private static TagMetadata tag(Row row) {
        return new TagMetadata(row.getString(0), row.getString(1), instant(row, 2), instant(row, 3),
                Attributes.read(row, 4));
    }

    private static ManifestMetadata manifest(Row row) {
        List<ManifestMetadata.Child> children = new ArrayList<>();
        for (String child : row.getArrayOfStrings(9)) {
            String[] parts = child.split(" ", -1);
            children.add(new ManifestMetadata.Child(parts[0], parts[1].isEmpty() ? null : parts[1], parts[2].isEmpty() ? null : parts[2]));
        }
        return new ManifestMetadata(row.getString(0), row.getLong(1), instant(row, 2), instant(row, 3), row.getString(4),
                row.getString(5), row.getString(6), row.getString(7), List.of(row.getArrayOfStrings(8)), children,
                Attributes.read(row, 10));
    }

    private static Tuple attributeTuple(long id, ChangeableAttributes a) {
        return Tuple.of(id, a.deleteEnabled(), a.writeEnabled(), a.listEnabled(), a.readEnabled());
    }

    private static Instant instant(Row row, int column) {
        return row.getOffsetDateTime(column).toInstant();
    }

    private static <T> List<T> map(RowSet<Row> rows, Function<Row, T> mapper) {
        List<T> list = new ArrayList<>(rows.size());
        rows.forEach(row -> list.add(mapper.apply(row)));
        return list;
    }
}
