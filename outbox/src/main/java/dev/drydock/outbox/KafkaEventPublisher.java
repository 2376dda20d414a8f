package dev.drydock.outbox;

import dev.drydock.events.CloudEventHeaders;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes outbox rows as CloudEvents in Kafka's binary mode: attributes as {@code ce_} headers, the JSON data as
 * the value. The producer is idempotent with acks=all, so a retry inside the client never duplicates a record.
 * After a failed batch the producer is discarded: a fresh one starts from a clean idempotence state.
 */
final class KafkaEventPublisher implements AutoCloseable {

    private final Map<String, Object> clientConfig;
    private final Duration timeout;
    private KafkaProducer<String, byte[]> producer;

    /** @param clientConfig where the brokers are and how to log in; the producer's own settings are added here */
    KafkaEventPublisher(Map<String, Object> clientConfig, Duration timeout) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.timeout = timeout;
    }

    /** Returns once Kafka acknowledged every event, in order; throws if any was not acknowledged in time. */
    void publish(List<OutboxEvent> events) throws PublishException {
        KafkaProducer<String, byte[]> p = producer();
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            List<Future<RecordMetadata>> acks = new ArrayList<>(events.size());
            for (OutboxEvent event : events) {
                acks.add(p.send(toRecord(event)));
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (ExecutionException e) {
            discardProducer();
            throw new PublishException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException | RuntimeException e) {
            discardProducer();
            throw new PublishException(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            discardProducer();
            throw new PublishException("interrupted", e);
        }
    }

    static ProducerRecord<String, byte[]> toRecord(OutboxEvent event) {
        RecordHeaders headers = new RecordHeaders();
        header(headers, CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_1_0);
        header(headers, CloudEventHeaders.ID, event.eventId().toString());
        header(headers, CloudEventHeaders.SOURCE, event.source());
        header(headers, CloudEventHeaders.TYPE, event.type());
        header(headers, CloudEventHeaders.TIME, DateTimeFormatter.ISO_INSTANT.format(event.createdAt()));
        header(headers, CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.JSON);
        if (event.subject() != null) {
            header(headers, CloudEventHeaders.SUBJECT, event.subject());
        }
        return new ProducerRecord<>(event.topic(), null, event.key(),
                event.payload().getBytes(StandardCharsets.UTF_8), headers);
    }

    private static void header(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            int requestTimeout = (int) Math.max(1000, timeout.toMillis() / 2);
            Map<String, Object> config = new HashMap<>(clientConfig);
            config.putAll(Map.of(
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5,
                    ProducerConfig.LINGER_MS_CONFIG, 5,
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeout,
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis() + 5,
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis(),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
            producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    private void discardProducer() {
        if (producer != null) {
            producer.close(Duration.ZERO);
            producer = null;
        }
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }

    static final class PublishException extends Exception {
        PublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
