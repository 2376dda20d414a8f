package dev.drydock.registry.persistence;

import dev.drydock.registry.domain.CacheRule;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/** Cache rules, each with the name of its credential set. */
@ApplicationScoped
public class CacheRules {

    private static final String SELECT = """
            select r.id, r.name, r.source_repository, r.target_repository, c.name, r.created_at
            from cache_rule r left join credential_set c on c.id = r.credential_set_id""";

    private final Pool pool;

    CacheRules(Pool pool) {
        this.pool = pool;
    }

    /** Takes the registry's row lock, so that rules are checked against each other one creation at a time. */
    public Uni<Void> lockRegistry(SqlClient tx, long registryId) {
        return tx.preparedQuery("select 1 from registry where id = $1 for update").execute(Tuple.of(registryId))
                .replaceWithVoid();
    }

    public Uni<Long> create(SqlClient tx, long registryId, String name, String source, String target,
            Long credentialSetId) {
        return tx.preparedQuery("""
                insert into cache_rule (registry_id, name, source_repository, target_repository, credential_set_id)
                values ($1, $2, $3, $4, $5) returning id""")
                .execute(Tuple.of(registryId, name, source, target, credentialSetId))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    public Uni<Void> setCredentialSet(long id, Long credentialSetId) {
        return pool.preparedQuery("update cache_rule set credential_set_id = $2 where id = $1")
                .execute(Tuple.of(id, credentialSetId)).replaceWithVoid();
    }

    public Uni<List<CacheRule>> list(SqlClient client, long registryId) {
        return client.preparedQuery(SELECT + " where r.registry_id = $1 order by r.name").execute(Tuple.of(registryId))
                .map(CacheRules::all);
    }

    public Uni<List<CacheRule>> list(long registryId) {
        return list(pool, registryId);
    }

    public Uni<CacheRule> find(long registryId, String name) {
        return pool.preparedQuery(SELECT + " where r.registry_id = $1 and r.name = $2")
                .execute(Tuple.of(registryId, name)).map(rows -> rows.size() == 0 ? null : map(rows.iterator().next()));
    }

    public Uni<Long> count(long registryId) {
        return pool.preparedQuery("select count(*) from cache_rule where registry_id = $1").execute(Tuple.of(registryId))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    public Uni<Boolean> delete(long id) {
        return pool.preparedQuery("delete from cache_rule where id = $1").execute(Tuple.of(id))
                .map(result -> result.rowCount() == 1);
    }

    /**
     * A repository of the registry that a new rule would cover, other than the targets of static rules: the name
     * itself, or (for a wildcard) any name starting with {@code prefix}; null when there is none.
     */
    public Uni<String> existingRepository(SqlClient tx, long registryId, String name, String prefix,
            List<String> staticTargets) {
        return tx.preparedQuery("""
                select name from repository
                where registry_id = $1 and (name = $2 or starts_with(name, $3)) and not (name = any($4))
                limit 1""")
                .execute(Tuple.of(registryId, name, prefix, staticTargets.toArray(String[]::new)))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
    }

    private static List<CacheRule> all(RowSet<Row> rows) {
        List<CacheRule> rules = new ArrayList<>();
        rows.forEach(row -> rules.add(map(row)));
        return rules;
    }

    private static CacheRule map(Row row) {
        return new CacheRule(row.getLong(0), row.getString(1), row.getString(2), row.getString(3), row.getString(4),
                row.getOffsetDateTime(5).toInstant());
    }
}
