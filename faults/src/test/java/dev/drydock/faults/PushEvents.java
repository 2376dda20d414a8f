package dev.drydock.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every "image pushed" event on the registry's topic since it began, counted per repository, read by a real
 * consumer logged in as the broker's administrator: what a subscriber of Drydock's events receives.
 */
final class PushEvents implements AutoCloseable {

    static final String TOPIC = "registry-events";
    static final String PUSHED = "dev.drydock.registry.image.pushed";

    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, Integer> pushesByRepository = new HashMap<>();
    private final ObjectMapper json = new ObjectMapper();

    PushEvents(StackUnderTest stack) {
        consumer = new KafkaConsumer<>(stack.kafkaAdmin().clientConfig(Map.of(
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000)),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(TOPIC, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(TOPIC, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads what arrived; answers how many push events each repository has had so far. */
    Map<String, Integer> poll() {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
            Header type = record.headers().lastHeader("ce_type");
            if (type == null || !PUSHED.equals(new String(type.value(), StandardCharsets.UTF_8))) {
                continue;
            }
            try {
                JsonNode data = json.readTree(record.value());
                pushesByRepository.merge(data.path("repository").asText(), 1, Integer::sum);
            } catch (IOException e) {
                throw new AssertionError("an unreadable event: " + e.getMessage(), e);
            }
        }
        return Map.copyOf(pushesByRepository);
    }

    /** Repositories of {@code repositories} without an event yet. */
    List<String> missing(Collection<String> repositories) {
        Map<String, Integer> seen = poll();
        return repositories.stream().filter(r -> !seen.containsKey(r)).toList();
    }

    /** Events beyond the first for each of {@code repositories}. */
    int duplicates(Collection<String> repositories) {
        Map<String, Integer> seen = poll();
        return repositories.stream().mapToInt(r -> Math.max(0, seen.getOrDefault(r, 0) - 1)).sum();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
