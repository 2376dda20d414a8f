package dev.drydock.outbox;

import dev.drydock.events.EventJson;
import dev.drydock.events.EventType;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.UUID;

/**
 * Writes an event into the outbox inside the caller's transaction: it is published if and only if that
 * transaction commits. Calling it outside a transaction is a programming error and fails.
 */
@ApplicationScoped
public class OutboxWriter {

    private final OutboxStore store;
    private final OutboxConfig config;
    private final Clock clock = Clock.systemUTC();

    OutboxWriter(OutboxStore store, OutboxConfig config) {
        this.store = store;
        this.config = config;
    }

    /** @return the CloudEvent id the event will carry */
    public <T> Uni<UUID> append(EventType<T> type, T payload) {
        return append(type, payload, null);
    }

    /**
     * @param subject the CloudEvent subject (what the event is about within its source), or null
     * @return the CloudEvent id the event will carry
     */
    public <T> Uni<UUID> append(EventType<T> type, T payload, String subject) {
        OutboxEvent event = event(type, payload, subject);
        return Panache.currentTransaction().chain(tx -> {
            if (tx == null) {
                return Uni.createFrom().failure(new IllegalStateException(
                        "outbox writes belong in the transaction of the change they announce; none is active"));
            }
            return store.insert(event).replaceWith(event.eventId());
        });
    }

    /**
     * The same for services that use the reactive SQL client directly: {@code tx} must be a connection with a
     * transaction open (as {@code Pool.withTransaction} hands out).
     */
    public <T> Uni<UUID> append(SqlConnection tx, EventType<T> type, T payload, String subject) {
        if (tx.transaction() == null) {
            return Uni.createFrom().failure(new IllegalStateException(
                    "outbox writes belong in the transaction of the change they announce; none is active"));
        }
        OutboxEvent event = event(type, payload, subject);
        return store.insert(tx, event).replaceWith(event.eventId());
    }

    private <T> OutboxEvent event(EventType<T> type, T payload, String subject) {
        return new OutboxEvent(0, OutboxStore.newEventId(), type.type(), type.topic(), type.keyOf(payload),
                config.source(), subject, new String(EventJson.write(payload), StandardCharsets.UTF_8),
                clock.instant());
    }
}
