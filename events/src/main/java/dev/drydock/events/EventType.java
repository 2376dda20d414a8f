package dev.drydock.events;

import java.util.Objects;
import java.util.function.Function;

/**
 * One kind of event: its CloudEvent type, the topic it travels on, its payload record and how the Kafka key is
 * derived from the payload (the key keeps events about one subject in order on one partition).
 */
public record EventType<T>(String type, String topic, Class<T> payloadClass, Function<T, String> key) {

    public EventType {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payloadClass, "payloadClass");
        Objects.requireNonNull(key, "key");
    }

    public String keyOf(T payload) {
        return key.apply(payload);
    }

    @Override
    public String toString() {
        return type;
    }
}
