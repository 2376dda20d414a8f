package dev.drydock.registry.persistence;

import dev.drydock.registry.domain.auth.Action;
import dev.drydock.registry.domain.auth.CredentialRef;
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

    /**
     * The admin user of a registry: enabled, and its two password hashes (null when not generated) with their
     * generations.
     */
    public record AdminUser(boolean enabled, String password1, int password1Generation, String password2,
            int password2Generation) {

        public String passwordHash(int n) {
            return n == 1 ? password1 : password2;
        }

        public CredentialRef ref(int n) {
            return CredentialRef.admin(n, n == 1 ? password1Generation : password2Generation);
        }
    }

    private final Pool pool;

    Credentials(Pool pool) {
        this.pool = pool;
    }

    public Uni<AdminUser> adminUser(long registryId) {
        return pool.preparedQuery("""
                        select admin_enabled, admin_password1, admin_password1_generation, admin_password2,
                               admin_password2_generation from registry where id = $1""")
                .execute(Tuple.of(registryId))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    Row r = rows.iterator().next();
                    return new AdminUser(r.getBoolean(0), r.getString(1), r.getInteger(2), r.getString(3),
                            r.getInteger(4));
                });
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

    /** @param which 1 or 2; every token derived from the old value dies with its generation */
    public Uni<Void> setAdminPassword(long registryId, int which, String hash) {
        String n = which == 1 ? "1" : "2";
        return pool.preparedQuery("update registry set admin_password" + n + " = $2, admin_password" + n
                        + "_generation = admin_password" + n + "_generation + 1 where id = $1")
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

    /** Disabling a token ends every token derived from either password: their generations move on. */
    public Uni<Boolean> updateToken(long registryId, String name, String scopeMap, boolean enabled) {
        return pool.preparedQuery("""
                        update repository_token set scope_map = $3, status = $4,
                               password1_generation = password1_generation + case when $4 = 'disabled' then 1 else 0 end,
                               password2_generation = password2_generation + case when $4 = 'disabled' then 1 else 0 end
                        where registry_id = $1 and name = $2""")
                .execute(Tuple.of(registryId, name, scopeMap, enabled ? "enabled" : "disabled"))
                .map(r -> r.rowCount() == 1);
    }

    /** @param which 1 or 2; a null hash deletes the password */
    public Uni<Boolean> setTokenPassword(long registryId, String name, int which, String hash, Instant expiry) {
        String n = which == 1 ? "1" : "2";
        return pool.preparedQuery("update repository_token set password" + n + " = $3, password" + n + "_expiry = $4,"
                        + " password" + n + "_generation = password" + n + "_generation + 1"
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

    private static final String TOKEN_COLUMNS = "id, name, scope_map, status, password1, password1_expiry,"
            + " password1_generation, password2, password2_expiry, password2_generation";

    private static RepositoryToken token(Row r) {
        return new RepositoryToken(r.getLong(0), r.getString(1), r.getString(2), "enabled".equals(r.getString(3)),
                r.getString(4), instant(r, 5), r.getInteger(6), r.getString(7), instant(r, 8), r.getInteger(9));
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
