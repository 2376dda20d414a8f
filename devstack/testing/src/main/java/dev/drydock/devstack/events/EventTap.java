package dev.drydock.devstack.events;

import dev.drydock.devstack.TestKafka;
import dev.drydock.events.CloudEventHeaders;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import org.awaitility.Awaitility;

/**
 * A real Kafka consumer for tests: it joins a topic at its end (so it sees only what happens after it opened) and
 * waits for CloudEvents matching a condition. Binary mode: the type and id are ce_ headers, the data is the value.
 */
public final class EventTap implements AutoCloseable {

    /** One record as a test reads it. */
    public record Event(String id, String type, String subject, String key, String data) {
    }

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<Event> seen = new ArrayList<>();

    /** A tap on {@code topic}, logged in as the broker's administrator ({@link TestKafka#admin()}). */
    public EventTap(String topic) {
        consumer = new KafkaConsumer<>(TestKafka.admin().clientConfig(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "event-tap-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest")),
                new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        Awaitility.await().atMost(PATIENCE).until(() -> {
            consumer.poll(Duration.ofMillis(100));
            return !consumer.assignment().isEmpty();
        });
        consumer.seekToEnd(consumer.assignment());
        // resolve the end offsets now, so that "latest" means "after this point"
        consumer.assignment().forEach(consumer::position);
    }

    /** Reads the topic again from its beginning: for events published before the tap opened. */
    public void rewind() {
        consumer.seekToBeginning(consumer.assignment());
        seen.clear();
    }

    /** Waits for the first event (seen so far or arriving) that matches. */
    public Event await(Predicate<Event> condition) {
        Event[] found = new Event[1];
        Awaitility.await().atMost(PATIENCE).until(() -> {
            poll();
            found[0] = seen.stream().filter(condition).findFirst().orElse(null);
            return found[0] != null;
        });
        return found[0];
    }

    /** Every event seen so far that matches, after polling once more. */
    public List<Event> all(Predicate<Event> condition) {
        poll();
        return seen.stream().filter(condition).toList();
    }

    public static Predicate<Event> ofType(String type) {
        return e -> type.equals(e.type());
    }

    private void poll() {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            seen.add(new Event(header(r, CloudEventHeaders.ID), header(r, CloudEventHeaders.TYPE),
                    header(r, CloudEventHeaders.SUBJECT), r.key(),
                    r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8)));
        }
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
