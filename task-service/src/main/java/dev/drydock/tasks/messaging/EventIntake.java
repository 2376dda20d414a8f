package dev.drydock.tasks.messaging;

import dev.drydock.events.CloudEventHeaders;
import dev.drydock.events.EventJson;
import dev.drydock.events.EventType;
import dev.drydock.events.MalformedEventException;
import dev.drydock.tasks.persistence.ParkedEvents;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.function.Function;

/**
 * Reads CloudEvents (binary mode: ce_* headers, JSON body) off Kafka for the triggers. An event that cannot be read
 * is logged in one line and parked with its reason; an effect that fails (the database away) is retried with
 * back-off and then parked too: a bad event never stops the consumer or holds its partition.
 */
@ApplicationScoped
public class EventIntake {

    private static final Logger LOG = Logger.getLogger(EventIntake.class);

    /** An event as the triggers see it. */
    public record Event<T>(String id, Instant time, T payload) {
    }

    private final ParkedEvents parked;

    EventIntake(ParkedEvents parked) {
        this.parked = parked;
    }

    /** The record's CloudEvent type, or null when it has none. */
    public static String type(ConsumerRecord<String, byte[]> record) {
        return header(record, CloudEventHeaders.TYPE);
    }

    /** Reads the record as {@code type} and applies {@code effect}, parking what cannot be read or applied. */
    public <T> Uni<Void> accept(ConsumerRecord<String, byte[]> record, EventType<T> type,
            Function<Event<T>, Uni<Void>> effect) {
        String id = header(record, CloudEventHeaders.ID);
        if (id == null || id.isBlank()) {
            return park(record, "no ce_id header");
        }
        T payload;
        try {
            payload = EventJson.read(record.value() == null ? new byte[0] : record.value(), type);
        } catch (MalformedEventException e) {
            return park(record, e.getMessage());
        }
        Instant time;
        try {
            String text = header(record, CloudEventHeaders.TIME);
            time = text == null ? Instant.now() : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return park(record, "ce_time is not an RFC 3339 time");
        }
        return effect.apply(new Event<>(id, time, payload))
                .onFailure(failure -> !(failure instanceof MalformedEventException)).retry()
                .withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(5)
                .onFailure().recoverWithUni(failure -> park(record, failure instanceof MalformedEventException
                        ? failure.getMessage() : "could not be applied: " + failure.getMessage()));
    }

    /** Parks a record whose type this consumer does not know on a topic where every type must be known. */
    public Uni<Void> unknown(ConsumerRecord<String, byte[]> record) {
        return park(record, "unknown event type " + type(record));
    }

    private Uni<Void> park(ConsumerRecord<String, byte[]> record, String reason) {
        LOG.warnf("parked the event at %s-%d@%d (%s): %s", record.topic(), record.partition(), record.offset(),
                type(record), reason);
        String payload = record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8);
        return parked.park(record.topic(), record.partition(), record.offset(), type(record), reason,
                        payload == null || payload.length() <= 65536 ? payload : payload.substring(0, 65536))
                .onFailure().invoke(e -> LOG.errorf("could not park the event at %s-%d@%d: %s", record.topic(),
                        record.partition(), record.offset(), e.getMessage()))
                .onFailure().recoverWithNull();
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
