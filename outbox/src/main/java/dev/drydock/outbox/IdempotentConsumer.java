package dev.drydock.outbox;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
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
}
