package dev.drydock.outbox;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.util.function.Supplier;

/**
 * Applies an event's effect at most once per consumer: the event id is recorded in the same transaction as the
 * effect, so a redelivered event (a relay retry, a consumer restart before its offset commit) finds its id and is
 * skipped, and an effect that fails rolls the id back with it.
 */
@ApplicationScoped
public class IdempotentConsumer {

    private final OutboxStore store;
    private final Clock clock = Clock.systemUTC();

    IdempotentConsumer(OutboxStore store) {
        this.store = store;
    }

    /**
     * Runs the effect in a transaction (the caller's, if one is active) unless this consumer already applied the
     * event.
     *
     * @param consumer a stable name for the effect, such as "base-image-trigger"; one event may feed several
     * @return true when the effect ran, false when the event was a duplicate
     */
    public Uni<Boolean> applyOnce(String consumer, String eventId, Supplier<Uni<Void>> effect) {
        return Panache.withTransaction(() -> store.markProcessed(consumer, eventId, clock.instant())
                .chain(first -> first ? effect.get().replaceWith(true) : Uni.createFrom().item(false)));
    }

    /**
     * The same for services that use the reactive SQL client: {@code tx} is a connection with its transaction open
     * ({@code Pool.withTransaction}), and the effect must use it.
     */
    public Uni<Boolean> applyOnce(SqlConnection tx, String consumer, String eventId, Supplier<Uni<Void>> effect) {
        if (tx.transaction() == null) {
            return Uni.createFrom().failure(new IllegalStateException(
                    "an event's effect and its processed mark belong in one transaction; none is active"));
        }
        return store.markProcessed(tx, consumer, eventId, clock.instant())
                .chain(first -> first ? effect.get().replaceWith(true) : Uni.createFrom().item(false));
    }
}
