package dev.drydock.outbox;

import dev.drydock.events.CloudEventHeaders;
import dev.drydock.events.EventJson;
import dev.drydock.events.EventType;
import dev.drydock.events.MalformedEventException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;

/** A CloudEvent as it arrived from Kafka in binary mode, before its data is read as a payload. */
public record ReceivedEvent(String id, String type, String source, String subject, String key, byte[] data) {

    /**
     * @throws MalformedEventException when a required CloudEvent attribute is missing, so the consumer can park
     *                                 the record instead of failing on it forever
     */
    public static ReceivedEvent from(ConsumerRecord<String, byte[]> record) {
        String id = header(record, CloudEventHeaders.ID);
        String type = header(record, CloudEventHeaders.TYPE);
        String source = header(record, CloudEventHeaders.SOURCE);
        String specVersion = header(record, CloudEventHeaders.SPEC_VERSION);
        if (id == null || type == null || source == null || specVersion == null) {
            throw new MalformedEventException("record at " + record.topic() + "/" + record.partition() + "@"
                    + record.offset() + " is not a CloudEvent: ce_id, ce_type, ce_source and ce_specversion are required",
                    null);
        }
        if (record.value() == null) {
            throw new MalformedEventException("CloudEvent " + id + " (" + type + ") has no data", null);
        }
        return new ReceivedEvent(id, type, source, header(record, CloudEventHeaders.SUBJECT), record.key(),
                record.value());
    }

    public boolean is(EventType<?> eventType) {
        return eventType.type().equals(type);
    }

    public <T> T payload(EventType<T> eventType) {
        if (!is(eventType)) {
            throw new IllegalArgumentException("event " + id + " is a " + type + ", not a " + eventType.type());
        }
        return EventJson.read(data, eventType);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
