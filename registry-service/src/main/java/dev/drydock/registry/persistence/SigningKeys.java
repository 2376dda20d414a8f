package dev.drydock.registry.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** The token signing keys: PKCS#8 private and X.509 public encodings, newest first. */
@ApplicationScoped
public class SigningKeys {

    public record Stored(String kid, byte[] privateKey, byte[] publicKey, Instant createdAt, Instant retiredAt) {
    }

    private final Pool pool;

    SigningKeys(Pool pool) {
        this.pool = pool;
    }

    public Uni<List<Stored>> all() {
        return pool.query("select kid, private_key, public_key, created_at, retired_at from signing_key"
                        + " order by created_at desc, kid").execute()
                .map(rows -> {
                    List<Stored> keys = new ArrayList<>();
                    for (Row row : rows) {
                        keys.add(new Stored(row.getString(0), row.getBuffer(1).getBytes(), row.getBuffer(2).getBytes(),
                                row.getOffsetDateTime(3).toInstant(),
                                row.getOffsetDateTime(4) == null ? null : row.getOffsetDateTime(4).toInstant()));
                    }
                    return keys;
                });
    }

    /** Adds a key; the keys before it are marked retired (they still verify until removed). */
    public Uni<Void> add(String kid, byte[] privateKey, byte[] publicKey) {
        return pool.withTransaction(tx -> tx.preparedQuery(
                        "update signing_key set retired_at = now() where retired_at is null").execute()
                .chain(() -> tx.preparedQuery("insert into signing_key (kid, private_key, public_key) values ($1, $2, $3)")
                        .execute(Tuple.tuple().addString(kid).addBuffer(Buffer.buffer(privateKey))
                                .addBuffer(Buffer.buffer(publicKey)))))
                .replaceWithVoid();
    }

    /** Replaces a key's stored private key (its encrypted form). */
    public Uni<Void> replacePrivateKey(String kid, byte[] privateKey) {
        return pool.preparedQuery("update signing_key set private_key = $2 where kid = $1")
                .execute(Tuple.tuple().addString(kid).addBuffer(Buffer.buffer(privateKey))).replaceWithVoid();
    }

    /** Removes keys retired longer ago than any token they signed can live. */
    public Uni<Integer> removeRetiredBefore(Instant cutoff) {
        return pool.preparedQuery("delete from signing_key where retired_at < $1")
                .execute(Tuple.of(cutoff.atOffset(ZoneOffset.UTC))).map(r -> r.rowCount());
    }
}
