package dev.drydock.registry.persistence;

import dev.drydock.registry.domain.auth.Action;
import dev.drydock.registry.domain.auth.ScopeMap;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The admin user's and repository tokens' stored (hashed) credentials, and scope maps. */
@ApplicationScoped
public class Credentials {

    /** The admin user of a registry: enabled, and its two password hashes (null when not generated). */
    public record AdminUser(boolean enabled, String password1, String password2) {
    }

    /** A repository token as authentication needs it. */
    public record Token(String name, String scopeMap, boolean enabled, String password1, Instant password1Expiry,
            String password2, Instant password2Expiry) {
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

    public Uni<Boolean> anonymousPullEnabled(long registryId) {
        return pool.preparedQuery("select anonymous_pull_enabled from registry where id = $1")
                .execute(Tuple.of(registryId))
                .map(rows -> rows.size() > 0 && rows.iterator().next().getBoolean(0));
    }

    public Uni<Token> token(long registryId, String name) {
        return pool.preparedQuery("""
                select name, scope_map, status, password1, password1_expiry, password2, password2_expiry
                from repository_token where registry_id = $1 and name = $2""")
                .execute(Tuple.of(registryId, name))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    Row r = rows.iterator().next();
                    return new Token(r.getString(0), r.getString(1), "enabled".equals(r.getString(2)), r.getString(3),
                            instant(r, 4), r.getString(5), instant(r, 6));
                });
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
                .map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    Row r = rows.iterator().next();
                    return new ScopeMap(r.getString(0), r.getString(1), rules((JsonObject) r.getValue(2)));
                });
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
