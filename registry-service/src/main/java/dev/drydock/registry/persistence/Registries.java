package dev.drydock.registry.persistence;

import dev.drydock.registry.domain.Registry;
import dev.drydock.registry.domain.RegistryName;
import dev.drydock.registry.domain.Sku;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Registries (tenants), their SKU and policies, and what they store. */
@ApplicationScoped
public class Registries {

    private static final String COLUMNS =
            "id, name, sku, created_at, updated_at, retention_enabled, retention_days, admin_enabled,"
                    + " anonymous_pull_enabled, soft_delete_enabled, soft_delete_days, soft_delete_updated, home_site";

    private final Pool pool;

    Registries(Pool pool) {
        this.pool = pool;
    }

    /** The registry of that name, whatever its case; null when there is none. */
    public Uni<Registry> find(String name, String domain) {
        return pool.preparedQuery("select " + COLUMNS + " from registry where lower(name) = lower($1)")
                .execute(Tuple.of(name)).map(rows -> first(rows, domain));
    }

    public Uni<Registry> findById(long id, String domain) {
        return pool.preparedQuery("select " + COLUMNS + " from registry where id = $1")
                .execute(Tuple.of(id)).map(rows -> first(rows, domain));
    }

    public Uni<List<Registry>> list(String domain) {
        return pool.query("select " + COLUMNS + " from registry order by lower(name)").execute()
                .map(rows -> {
                    List<Registry> all = new ArrayList<>();
                    rows.forEach(row -> all.add(map(row, domain)));
                    return all;
                });
    }

    /** Creates the registry; null when one of that name (in any case) exists. */
    public Uni<Registry> create(RegistryName name, Sku sku, Registry.RetentionPolicy retention, boolean adminEnabled,
            boolean anonymousPull, Registry.SoftDeletePolicy softDelete, String domain) {
        return pool.preparedQuery("""
                insert into registry (name, sku, retention_enabled, retention_days, retention_enabled_at, admin_enabled,
                                      anonymous_pull_enabled, soft_delete_enabled, soft_delete_days,
                                      soft_delete_updated)
                values ($1, $2, $3, $4, case when $3 then now() end, $5, $6, $7, $8, now())
                on conflict do nothing returning """ + " " + COLUMNS)
                .execute(Tuple.tuple().addString(name.value()).addString(sku.name()).addBoolean(retention.enabled())
                        .addInteger(retention.days()).addBoolean(adminEnabled).addBoolean(anonymousPull)
                        .addBoolean(softDelete.enabled()).addInteger(softDelete.days()))
                .map(rows -> first(rows, domain));
    }

    /**
     * Saves SKU and retention; the retention clock starts when the policy goes from off to on. Disabling the admin
     * user moves its passwords' generations on, so its tokens stay dead when it is enabled again.
     */
    public Uni<Registry> update(long id, Sku sku, Registry.RetentionPolicy retention, boolean adminEnabled,
            boolean anonymousPull, Registry.SoftDeletePolicy softDelete, String domain) {
        return pool.preparedQuery("""
                update registry set sku = $2, retention_enabled = $3, retention_days = $4, updated_at = now(),
                       admin_enabled = $5, anonymous_pull_enabled = $6,
                       admin_password1_generation = admin_password1_generation
                                                    + case when admin_enabled and not $5 then 1 else 0 end,
                       admin_password2_generation = admin_password2_generation
                                                    + case when admin_enabled and not $5 then 1 else 0 end,
                       retention_enabled_at = case when not $3 then null
                                                   when retention_enabled then retention_enabled_at else now() end,
                       soft_delete_updated = case when soft_delete_enabled = $7 and soft_delete_days = $8
                                                  then soft_delete_updated else now() end,
                       soft_delete_enabled = $7, soft_delete_days = $8
                where id = $1 returning""" + " " + COLUMNS)
                .execute(Tuple.tuple().addLong(id).addString(sku.name()).addBoolean(retention.enabled())
                        .addInteger(retention.days()).addBoolean(adminEnabled).addBoolean(anonymousPull)
                        .addBoolean(softDelete.enabled()).addInteger(softDelete.days()))
                .map(rows -> first(rows, domain));
    }

    /** Deletes the registry with its repositories, manifests, tags and links; blob bytes go with the next GC. */
    /** Whether the registry is replicated to other sites (it may not be deleted before its replications). */
    public Uni<Boolean> replicated(long id) {
        return pool.preparedQuery("select exists (select 1 from replication where registry_id = $1)")
                .execute(Tuple.of(id)).map(rows -> rows.iterator().next().getBoolean(0));
    }

    public Uni<Boolean> delete(long id) {
        return pool.preparedQuery("delete from registry where id = $1").execute(Tuple.of(id))
                .map(result -> result.rowCount() == 1);
    }

    /**
     * Bytes the registry stores: each distinct blob any of its repositories links, once, plus manifest bytes.
     * This is what the SKU's included storage is compared with.
     */
    public Uni<Long> storageUsed(long registryId) {
        return pool.preparedQuery("""
                select coalesce((select sum(b.size) from blob b where b.digest in (
                           select rb.digest from repository_blob rb join repository r on r.id = rb.repository_id
                           where r.registry_id = $1)), 0)
                     + coalesce((select sum(m.size) from manifest m join repository r on r.id = m.repository_id
                           where r.registry_id = $1), 0)""")
                .execute(Tuple.of(registryId)).map(rows -> rows.iterator().next().getLong(0));
    }

    /** Whether any repository of the registry links the blob already (then storing it again costs nothing). */
    public Uni<Boolean> holdsBlob(long registryId, String digest) {
        return pool.preparedQuery("""
                select exists (select 1 from repository_blob rb join repository r on r.id = rb.repository_id
                               where r.registry_id = $1 and rb.digest = $2)""")
                .execute(Tuple.of(registryId, digest)).map(rows -> rows.iterator().next().getBoolean(0));
    }

    /** Per repository with content: total bytes, bytes no other repository of the registry shares, counts. */
    public Uni<List<Map<String, Object>>> repositoryUsage(long registryId) {
        return pool.preparedQuery("""
                with links as (
                    select rb.repository_id, rb.digest, b.size,
                           count(*) over (partition by rb.digest) as sharers
                    from repository_blob rb join repository r on r.id = rb.repository_id join blob b on b.digest = rb.digest
                    where r.registry_id = $1)
                select r.name,
                       coalesce((select sum(size) from links l where l.repository_id = r.id), 0)
                         + coalesce((select sum(size) from manifest m where m.repository_id = r.id), 0),
                       coalesce((select sum(size) from links l where l.repository_id = r.id and l.sharers = 1), 0)
                         + coalesce((select sum(size) from manifest m where m.repository_id = r.id), 0),
                       (select count(*) from manifest m where m.repository_id = r.id),
                       (select count(*) from tag t where t.repository_id = r.id)
                from repository r
                where r.registry_id = $1 and exists (select 1 from manifest m where m.repository_id = r.id)
                order by r.name""")
                .execute(Tuple.of(registryId))
                .map(rows -> {
                    List<Map<String, Object>> usage = new ArrayList<>();
                    for (Row row : rows) {
                        usage.add(Map.of("name", row.getString(0), "sizeBytes", row.getLong(1),
                                "exclusiveBytes", row.getLong(2), "manifestCount", row.getLong(3),
                                "tagCount", row.getLong(4)));
                    }
                    return usage;
                });
    }

    public Uni<Long> webhookCount(long registryId) {
        return pool.preparedQuery("select count(*) from webhook where registry_id = $1").execute(Tuple.of(registryId))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    private static Registry first(RowSet<Row> rows, String domain) {
        return rows.size() == 0 ? null : map(rows.iterator().next(), domain);
    }

    private static Registry map(Row row, String domain) {
        String name = row.getString(1);
        return new Registry(row.getLong(0), name, new RegistryName(name).loginServer(domain),
                Sku.valueOf(row.getString(2)), row.getOffsetDateTime(3).toInstant(),
                row.getOffsetDateTime(4).toInstant(),
                new Registry.RetentionPolicy(row.getBoolean(5), row.getInteger(6)), row.getBoolean(7),
                row.getBoolean(8), new Registry.SoftDeletePolicy(row.getBoolean(9), row.getInteger(10),
                        row.getOffsetDateTime(11) == null ? null : row.getOffsetDateTime(11).toInstant()),
                row.getString(12));
    }
}
