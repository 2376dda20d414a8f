package dev.drydock.registry.persistence;

import dev.drydock.registry.domain.auth.Action;
import dev.drydock.registry.domain.auth.RepositoryToken;
import dev.drydock.registry.domain.auth.ScopeMap;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The admin user's and repository tokens' stored (hashed) credentials, and scope maps. */
@ApplicationScoped
public class Credentials {

    /** The admin user of a registry: enabled, and its two password hashes (null when not generated). */
    public record AdminUser(boolean enabled, String password1, String password2) {
    }

    private final Pool pool;

    Credentials(Pool pool) {
        this.pool = pool;
    }

    public Uni<AdminUser> adminUser(long registryId) {
        return pool.preparedQuery("select admin_enabled, admin_password1, admin_password2 from registry where id = $1")
                .execute(Tuple.of(registryId))
                .map(rows -> rows.size() == 0 ? null : new AdminUser(rows.iterator().next().getBoolean(0),
                        rows.iterator().next().getString(1), rows.iterator().next().getString(2)));
    }

    public Uni<RepositoryToken> token(long registryId, String name) {
        return pool.preparedQuery("select " + TOKEN_COLUMNS
                        + " from repository_token where registry_id = $1 and name = $2")
                .execute(Tuple.of(registryId, name))
                .map(rows -> rows.size() == 0 ? null : token(rows.iterator().next()));
    }

    /** A scope map of the registry or a system one; null when neither exists. */
    public Uni<ScopeMap> scopeMap(long registryId, String name) {
        for (ScopeMap system : ScopeMap.SYSTEM) {
            if (system.name().equals(name)) {
                return Uni.createFrom().item(system);
            }
        }
        return pool.preparedQuery("select name, description, rules from scope_map where registry_id = $1 and name = $2")
                .execute(Tuple.of(registryId, name))
                .map(rows -> rows.size() == 0 ? null : scopeMap(rows.iterator().next()));
    }

    /** @param which 1 or 2 */
    public Uni<Void> setAdminPassword(long registryId, int which, String hash) {
        return pool.preparedQuery("update registry set admin_password" + (which == 1 ? "1" : "2") + " = $2 where id = $1")
                .execute(Tuple.of(registryId, hash)).replaceWithVoid();
    }

    /** Creates or replaces the registry's scope map. */
    public Uni<Void> saveScopeMap(long registryId, ScopeMap map) {
        JsonObject rules = new JsonObject();
        map.rules().forEach((pattern, actions) -> rules.put(pattern,
                new JsonArray(actions.stream().map(Action::scopeMapAction).sorted().toList())));
        return pool.preparedQuery("""
                insert into scope_map (registry_id, name, description, rules) values ($1, $2, $3, $4)
                on conflict (registry_id, name) do update set description = excluded.description, rules = excluded.rules""")
                .execute(Tuple.of(registryId, map.name(), map.description(), rules)).replaceWithVoid();
    }

    public Uni<List<ScopeMap>> scopeMaps(long registryId) {
        return pool.preparedQuery("select name, description, rules from scope_map where registry_id = $1 order by name")
                .execute(Tuple.of(registryId))
                .map(rows -> {
                    List<ScopeMap> maps = new ArrayList<>(ScopeMap.SYSTEM);
                    rows.forEach(r -> maps.add(scopeMap(r)));
                    return maps;
                });
    }

    /** Deletes a scope map no token uses; false when it does not exist. */
    public Uni<Boolean> deleteScopeMap(long registryId, String name) {
        return pool.preparedQuery("delete from scope_map where registry_id = $1 and name = $2")
                .execute(Tuple.of(registryId, name)).map(r -> r.rowCount() == 1);
    }

    public Uni<Long> tokensUsing(long registryId, String scopeMap) {
        return pool.preparedQuery("select count(*) from repository_token where registry_id = $1 and scope_map = $2")
                .execute(Tuple.of(registryId, scopeMap)).map(rows -> rows.iterator().next().getLong(0));
    }

    /** Creates the token; false when one of that name exists. */
    public Uni<Boolean> createToken(long registryId, String name, String scopeMap, boolean enabled) {
        return pool.preparedQuery("""
                insert into repository_token (registry_id, name, scope_map, status) values ($1, $2, $3, $4)
                on conflict do nothing""")
                .execute(Tuple.of(registryId, name, scopeMap, enabled ? "enabled" : "disabled"))
                .map(r -> r.rowCount() == 1);
    }

    public Uni<Boolean> updateToken(long registryId, String name, String scopeMap, boolean enabled) {
        return pool.preparedQuery("update repository_token set scope_map = $3, status = $4 where registry_id = $1 and name = $2")
                .execute(Tuple.of(registryId, name, scopeMap, enabled ? "enabled" : "disabled"))
                .map(r -> r.rowCount() == 1);
    }

    /** @param which 1 or 2; a null hash deletes the password */
    public Uni<Boolean> setTokenPassword(long registryId, String name, int which, String hash, Instant expiry) {
        String n = which == 1 ? "1" : "2";
        return pool.preparedQuery("update repository_token set password" + n + " = $3, password" + n + "_expiry = $4"
                        + " where registry_id = $1 and name = $2")
                .execute(Tuple.of(registryId, name, hash, expiry == null ? null
                        : expiry.atOffset(ZoneOffset.UTC)))
                .map(r -> r.rowCount() == 1);
    }

    public Uni<List<RepositoryToken>> tokens(long registryId) {
        return pool.preparedQuery("select " + TOKEN_COLUMNS
                        + " from repository_token where registry_id = $1 order by name")
                .execute(Tuple.of(registryId))
                .map(rows -> {
                    List<RepositoryToken> all = new ArrayList<>();
                    rows.forEach(r -> all.add(token(r)));
                    return all;
                });
    }

    public Uni<Boolean> deleteToken(long registryId, String name) {
        return pool.preparedQuery("delete from repository_token where registry_id = $1 and name = $2")
                .execute(Tuple.of(registryId, name)).map(r -> r.rowCount() == 1);
    }

    private static final String TOKEN_COLUMNS =
            "name, scope_map, status, password1, password1_expiry, password2, password2_expiry";

    private static RepositoryToken token(Row r) {
        return new RepositoryToken(r.getString(0), r.getString(1), "enabled".equals(r.getString(2)), r.getString(3),
                instant(r, 4), r.getString(5), instant(r, 6));
    }

    /** A scope map from a row of name, description, rules. */
    private static ScopeMap scopeMap(Row r) {
        return new ScopeMap(r.getString(0), r.getString(1), rules((JsonObject) r.getValue(2)));
    }

    static Map<String, Set<Action>> rules(JsonObject json) {
        Map<String, Set<Action>> rules = new LinkedHashMap<>();
        for (String pattern : json.fieldNames()) {
            Set<Action> actions = EnumSet.noneOf(Action.class);
            for (Object a : (JsonArray) json.getValue(pattern)) {
                Action.fromScopeMap(String.valueOf(a)).ifPresent(actions::add);
            }
            rules.put(pattern, actions);
        }
        return rules;
    }

    private static Instant instant(Row row, int column) {
        return row.getOffsetDateTime(column) == null ? null : row.getOffsetDateTime(column).toInstant();
    }
}
