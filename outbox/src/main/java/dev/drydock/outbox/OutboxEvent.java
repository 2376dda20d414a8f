package dev.drydock.outbox;

import java.time.Instant;
import java.util.UUID;

/** One row of the outbox: a CloudEvent waiting to be published, with its JSON data. */
record OutboxEvent(
        long id,
        UUID eventId,
        String type,
        String topic,
        String key,
        String source,
        String subject,
        String payload,
        Instant createdAt) {
}
