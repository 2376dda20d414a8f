package dev.drydock.registry.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A replicated registry's configuration as its home site sends it to the replicas: the registry's settings and
 * policies, its admin user and repository tokens (password hashes and generations, so every credential works on
 * every site and a rotation or deletion reaches them all), its scope maps, and its replications. The columns are
 * read from the schema, so a setting a later migration adds travels without code here. Webhooks, cache rules,
 * credential sets and signing keys stay per site, as on ACR.
 */
@ApplicationScoped
public class ReplicaConfigurations {

    /** Columns that name a row or belong to this site only. */
    private static final Set<String> LOCAL = Set.of("id", "registry_id", "name", "created_at", "home_site");

    private final Pool pool;
    private final Map<String, List<String>> columns = new ConcurrentHashMap<>();

    ReplicaConfigurations(Pool pool) {
        this.pool = pool;
    }

    /** The configuration of the registry as its home site holds it; null when there is no such registry. */
    public Uni<JsonObject> export(String registry) {
        return pool.preparedQuery("""
                select jsonb_build_object(
                  'name', r.name,
                  'registry', to_jsonb(r) - 'id' - 'created_at' - 'home_site' - 'name',
                  'scopeMaps', coalesce((select jsonb_agg(to_jsonb(s) - 'id' - 'registry_id' - 'created_at'
                                         order by s.name) from scope_map s where s.registry_id = r.id), '[]'),
                  'tokens', coalesce((select jsonb_agg(to_jsonb(t) - 'id' - 'registry_id' - 'created_at'
                                      order by t.name) from repository_token t where t.registry_id = r.id), '[]'),
                  'replications', coalesce((select jsonb_agg(jsonb_build_object('location', p.location,
                                            'regionEndpointEnabled', p.region_endpoint_enabled) order by p.location)
                                            from replication p where p.registry_id = r.id), '[]'))
                from registry r where lower(r.name) = lower($1)""")
                .execute(Tuple.of(registry))
                .map(rows -> rows.size() == 0 ? null : (JsonObject) rows.iterator().next().getValue(0));
    }

    /** How applying a configuration went. */
    public enum Applied { CREATED, UPDATED, NOT_A_REPLICA }

    /**
     * Makes this site's replica of the registry what {@code configuration} says, in one transaction: created when
     * new, settings and credentials replaced. A registry of that name that this site is the home of is never
     * touched.
     */
    public Uni<Applied> apply(JsonObject configuration, String home) {
        String name = configuration.getString("name");
        return pool.withTransaction(tx -> tx.preparedQuery(
                        "select id, home_site from registry where lower(name) = lower($1) for update")
                .execute(Tuple.of(name)).chain(rows -> {
                    if (rows.size() > 0 && rows.iterator().next().getString(1) == null) {
                        return Uni.createFrom().item(Applied.NOT_A_REPLICA);
                    }
                    Uni<Long> id = rows.size() > 0 ? Uni.createFrom().item(rows.iterator().next().getLong(0))
                            : tx.preparedQuery("insert into registry (name, home_site) values ($1, $2) returning id")
                                    .execute(Tuple.of(name, home)).map(r -> r.iterator().next().getLong(0));
                    Applied applied = rows.size() > 0 ? Applied.UPDATED : Applied.CREATED;
                    return id.chain(registryId -> replace(tx, registryId, home, configuration)).replaceWith(applied);
                }));
    }

    private Uni<Void> replace(SqlClient tx, long registryId, String home, JsonObject configuration) {
        return columns(tx, "registry").chain(registryColumns -> columns(tx, "scope_map").chain(scopeColumns ->
                columns(tx, "repository_token").chain(tokenColumns -> {
                    String set = String.join(", ", registryColumns);
                    // the row itself is the base: a setting the home does not send (an older version) stays
                    Uni<Void> registry = tx.preparedQuery("update registry r set home_site = $2, (" + set + ") = "
                                    + "(select " + set + " from jsonb_populate_record(r, $3)) where id = $1")
                            .execute(Tuple.of(registryId, home, configuration.getJsonObject("registry")))
                            .replaceWithVoid();
                    return registry
                            .chain(() -> replaceRows(tx, "scope_map", scopeColumns, registryId,
                                    configuration.getJsonArray("scopeMaps", new JsonArray())))
                            .chain(() -> replaceRows(tx, "repository_token", tokenColumns, registryId,
                                    configuration.getJsonArray("tokens", new JsonArray())))
                            .chain(() -> replaceReplications(tx, registryId,
                                    configuration.getJsonArray("replications", new JsonArray())));
                })));
    }

    /** Upserts every row of the list by (registry, name) and deletes the registry's rows the list lacks. */
    private static Uni<Void> replaceRows(SqlClient tx, String table, List<String> columns, long registryId,
            JsonArray rows) {
        String list = String.join(", ", columns);
        List<String> names = new ArrayList<>();
        rows.forEach(row -> names.add(((JsonObject) row).getString("name")));
        String updates = String.join(", ", columns.stream().map(c -> c + " = excluded." + c).toList());
        return tx.preparedQuery("delete from " + table + " where registry_id = $1 and name <> all($2)")
                .execute(Tuple.of(registryId, names.toArray(String[]::new)))
                .chain(() -> rows.isEmpty() ? Uni.createFrom().voidItem() : tx.preparedQuery(
                                "insert into " + table + " (registry_id, name, " + list + ") select $1, name, " + list
                                        + " from jsonb_populate_recordset(null::" + table + ", $2) "
                                        + "on conflict (registry_id, name) do update set " + updates)
                        .execute(Tuple.of(registryId, rows)).replaceWithVoid());
    }

    private static Uni<Void> replaceReplications(SqlClient tx, long registryId, JsonArray replications) {
        List<String> locations = new ArrayList<>();
        List<Boolean> endpoints = new ArrayList<>();
        replications.forEach(r -> {
            locations.add(((JsonObject) r).getString("location"));
            endpoints.add(((JsonObject) r).getBoolean("regionEndpointEnabled", true));
        });
        return tx.preparedQuery("delete from replication where registry_id = $1 and location <> all($2)")
                .execute(Tuple.of(registryId, locations.toArray(String[]::new)))
                .chain(() -> tx.preparedQuery("""
                        insert into replication (registry_id, location, region_endpoint_enabled, provisioning_state)
                        select $1, l, e, 'Succeeded' from unnest($2::text[], $3::boolean[]) as u(l, e)
                        on conflict (registry_id, location) do update
                            set region_endpoint_enabled = excluded.region_endpoint_enabled""")
                        .execute(Tuple.of(registryId, locations.toArray(String[]::new),
                                endpoints.toArray(Boolean[]::new))))
                .replaceWithVoid();
    }

    /** The table's columns that travel (not its identity, owner, name or site-local ones). */
    private Uni<List<String>> columns(SqlClient tx, String table) {
        List<String> known = columns.get(table);
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        return tx.preparedQuery("select column_name from information_schema.columns where table_schema = "
                        + "current_schema() and table_name = $1 order by ordinal_position")
                .execute(Tuple.of(table)).map(rows -> {
                    List<String> names = new ArrayList<>();
                    for (Row row : rows) {
                        if (!LOCAL.contains(row.getString(0))) {
                            names.add(row.getString(0));
                        }
                    }
                    columns.put(table, List.copyOf(names));
                    return names;
                });
    }
}
