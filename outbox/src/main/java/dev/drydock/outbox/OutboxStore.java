package dev.drydock.outbox;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * The outbox and processed-event tables, as seen from inside a service's Hibernate Reactive transaction. The
 * relay reads the same tables through the SQL client, outside any service transaction.
 */
@ApplicationScoped
public class OutboxStore {

    /** The channel the relay listens on; PostgreSQL delivers a NOTIFY only when its transaction commits. */
    static final String CHANNEL = "drydock_outbox";

    Uni<Void> insert(OutboxEvent event) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                insert into outbox_event (event_id, type, topic, event_key, source, subject, payload, created_at)
                values (:eventId, :type, :topic, :key, :source, :subject, :payload, :createdAt)""")
                .setParameter("eventId", event.eventId())
                .setParameter("type", event.type())
                .setParameter("topic", event.topic())
                .setParameter("key", event.key())
                .setParameter("source", event.source())
                .setParameter("subject", event.subject())
                .setParameter("payload", event.payload())
                .setParameter("createdAt", event.createdAt())
                .executeUpdate()
                .chain(() -> session.createNativeQuery("select count(*) from pg_notify('" + CHANNEL + "', '')")
                        .getSingleResult()))
                .replaceWithVoid();
    }

    Uni<Void> insert(SqlClient tx, OutboxEvent event) {
        // the insert and the notification in one round trip
        return tx.preparedQuery("""
                with inserted as (
                    insert into outbox_event (event_id, type, topic, event_key, source, subject, payload, created_at)
                    values ($1, $2, $3, $4, $5, $6, $7, $8) returning 1)
                select pg_notify('""" + CHANNEL + "', '') from inserted")
                .execute(Tuple.tuple().addUUID(event.eventId()).addString(event.type()).addString(event.topic())
                        .addString(event.key()).addString(event.source()).addString(event.subject())
                        .addString(event.payload()).addOffsetDateTime(event.createdAt().atOffset(ZoneOffset.UTC)))
                .replaceWithVoid();
    }

    /** Records the event as processed by the consumer; false when it already was. */
    Uni<Boolean> markProcessed(String consumer, String eventId, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                insert into processed_event (consumer, event_id, processed_at) values (:consumer, :eventId, :now)
                on conflict do nothing""")
                .setParameter("consumer", consumer)
                .setParameter("eventId", eventId)
                .setParameter("now", now)
                .executeUpdate())
                .map(inserted -> inserted == 1);
    }

    Uni<Boolean> markProcessed(SqlClient tx, String consumer, String eventId, Instant now) {
        return tx.preparedQuery("""
                        insert into processed_event (consumer, event_id, processed_at) values ($1, $2, $3)
                        on conflict do nothing""")
                .execute(Tuple.of(consumer, eventId, now.atOffset(ZoneOffset.UTC)))
                .map(result -> result.rowCount() == 1);
    }

    static UUID newEventId() {
        return UUID.randomUUID();
    }
}
