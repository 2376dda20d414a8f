package dev.drydock.registry.persistence;

import dev.drydock.registry.domain.CredentialSet;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/** Credential sets: logins for upstream registries, their secrets encrypted by the caller. */
@ApplicationScoped
public class CredentialSets {

    private static final String COLUMNS =
            "id, name, login_server, health_status, health_error_code, health_error_message, created_at";

    /** The encrypted user name and password of a set. */
    public record Sealed(byte[] username, byte[] password) {
    }

    private final Pool pool;

    CredentialSets(Pool pool) {
        this.pool = pool;
    }

    /** Creates the set; null when the registry has one of that name. */
    public Uni<CredentialSet> create(long registryId, String name, String loginServer, Sealed secrets) {
        return pool.preparedQuery("""
                insert into credential_set (registry_id, name, login_server, username, password)
                values ($1, $2, $3, $4, $5) on conflict do nothing returning""" + " " + COLUMNS)
                .execute(Tuple.of(registryId, name, loginServer, secrets.username(), secrets.password()))
                .map(CredentialSets::first);
    }

    /** New secrets; the health starts over, as the next upstream call will tell. */
    public Uni<CredentialSet> update(long id, Sealed secrets) {
        return pool.preparedQuery("""
                update credential_set set username = $2, password = $3, health_status = 'Healthy',
                       health_error_code = null, health_error_message = null
                where id = $1 returning""" + " " + COLUMNS)
                .execute(Tuple.of(id, secrets.username(), secrets.password())).map(CredentialSets::first);
    }

    public Uni<CredentialSet> find(SqlClient client, long registryId, String name) {
        return client.preparedQuery("select " + COLUMNS + " from credential_set where registry_id = $1 and name = $2")
                .execute(Tuple.of(registryId, name)).map(CredentialSets::first);
    }

    public Uni<CredentialSet> find(long registryId, String name) {
        return find(pool, registryId, name);
    }

    public Uni<List<CredentialSet>> list(long registryId) {
        return pool.preparedQuery("select " + COLUMNS + " from credential_set where registry_id = $1 order by name")
                .execute(Tuple.of(registryId)).map(rows -> {
                    List<CredentialSet> all = new ArrayList<>();
                    rows.forEach(row -> all.add(map(row)));
                    return all;
                });
    }

    public Uni<Sealed> secrets(long registryId, String name) {
        return pool.preparedQuery("select username, password from credential_set where registry_id = $1 and name = $2")
                .execute(Tuple.of(registryId, name)).map(rows -> rows.size() == 0 ? null
                        : new Sealed(rows.iterator().next().getBuffer(0).getBytes(),
                        rows.iterator().next().getBuffer(1).getBytes()));
    }

    /** Records what the last upstream call found; writes only when the health changes. */
    public Uni<Void> recordHealth(long registryId, String name, CredentialSet.Health health) {
        return pool.preparedQuery("""
                update credential_set set health_status = $3, health_error_code = $4, health_error_message = $5
                where registry_id = $1 and name = $2
                  and (health_status, health_error_code, health_error_message) is distinct from ($3, $4, $5)""")
                .execute(Tuple.of(registryId, name, health.status(), health.errorCode(), health.errorMessage()))
                .replaceWithVoid();
    }

    /** The names of the cache rules that use the set. */
    public Uni<List<String>> usedBy(long id) {
        return pool.preparedQuery("select name from cache_rule where credential_set_id = $1 order by name")
                .execute(Tuple.of(id)).map(rows -> {
                    List<String> names = new ArrayList<>();
                    rows.forEach(row -> names.add(row.getString(0)));
                    return names;
                });
    }

    /** Deletes the set unless a rule uses it (the foreign key refuses); false when a rule does. */
    public Uni<Boolean> delete(long id) {
        return pool.preparedQuery("""
                delete from credential_set where id = $1
                  and not exists (select 1 from cache_rule where credential_set_id = $1)""")
                .execute(Tuple.of(id)).map(result -> result.rowCount() == 1);
    }

    private static CredentialSet first(RowSet<Row> rows) {
        return rows.size() == 0 ? null : map(rows.iterator().next());
    }

    private static CredentialSet map(Row row) {
        return new CredentialSet(row.getLong(0), row.getString(1), row.getString(2),
                new CredentialSet.Health(row.getString(3), row.getString(4), row.getString(5)),
                row.getOffsetDateTime(6).toInstant());
    }
}
