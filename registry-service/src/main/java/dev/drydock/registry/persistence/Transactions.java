package dev.drydock.registry.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.core.Future;
import io.vertx.sqlclient.Transaction;

import java.util.function.Function;

/**
 * Transactions whose BEGIN travels with their first statements.
 * <p>
 * {@link Pool#withTransaction} waits for BEGIN's answer before the work sends anything: one round trip that carries
 * no information. Here BEGIN is sent and the work starts at once; the connection pipelines its commands in order,
 * so PostgreSQL still runs BEGIN first, and a failed BEGIN fails every statement behind it. Statements the work
 * subscribes to together (e.g. with {@code Uni.combine()}) share a round trip in the same way.
 */
public final class Transactions {

    private Transactions() {
    }

    /** Runs {@code work} in a transaction that commits when it succeeds and rolls back when it fails. */
    public static <T> Uni<T> pipelined(Pool pool, Function<SqlConnection, Uni<T>> work) {
        return pool.withConnection(conn -> {
            // Vert.x futures are eager: BEGIN is queued on the connection now, ahead of anything the work sends
            Future<Transaction> begun = conn.getDelegate().begin();
            return Uni.createFrom().deferred(() -> work.apply(conn))
                    .onFailure().call(() -> end(begun.compose(Transaction::rollback)).onFailure().recoverWithNull())
                    .call(() -> end(begun.compose(Transaction::commit)));
        });
    }

    private static Uni<Void> end(Future<Void> ended) {
        return Uni.createFrom().completionStage(ended::toCompletionStage);
    }
}
