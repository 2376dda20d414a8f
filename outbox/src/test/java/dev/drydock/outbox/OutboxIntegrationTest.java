package dev.drydock.outbox;

import dev.drydock.devstack.DevStackControl;
import dev.drydock.devstack.DevStackTestResource;
import dev.drydock.devstack.TestKafka;
import dev.drydock.events.CloudEventHeaders;
import dev.drydock.events.EventJson;
import dev.drydock.events.EventSamples;
import dev.drydock.events.EventTypes;
import dev.drydock.events.Topics;
import dev.drydock.events.registry.ImagePushed;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@QuarkusTest
@WithTestResource(value = DevStackTestResource.class, scope = TestResourceScope.GLOBAL)
class OutboxIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Inject
    OutboxWriter writer;

    @Inject
    Pool pool;

    @Inject
    MeterRegistry metrics;

    @Test
    void committedEventIsPublishedAsABinaryModeCloudEventWithTheGoldenPayload() throws Exception {
        ImagePushed sample = EventSamples.payload(EventTypes.IMAGE_PUSHED);
        try (KafkaConsumer<String, byte[]> consumer = consumerAtEnd(Topics.REGISTRY_EVENTS)) {
            UUID id = commit(EventTypes.IMAGE_PUSHED, sample);

            ConsumerRecord<String, byte[]> record = awaitRecord(consumer, id);

            assertEquals("contoso/apps/web", record.key());
            assertEquals("1.0", header(record, CloudEventHeaders.SPEC_VERSION));
            assertEquals("dev.drydock.registry.image.pushed", header(record, CloudEventHeaders.TYPE));
            assertEquals("/drydock/outbox-test", header(record, CloudEventHeaders.SOURCE));
            assertEquals("application/json", header(record, CloudEventHeaders.CONTENT_TYPE));
            assertNotNull(header(record, CloudEventHeaders.TIME));
            assertEquals(EventJson.mapper().readTree(EventSamples.json(EventTypes.IMAGE_PUSHED)),
                    EventJson.mapper().readTree(record.value()));
            await().atMost(PATIENCE).until(() -> sentAt(id) != null);
        }
    }

    @Test
    void eventWhoseTransactionRollsBackIsNeverPublished() {
        try (KafkaConsumer<String, byte[]> consumer = consumerAtEnd(Probe.TOPIC)) {
            UUID[] rolledBack = new UUID[1];
            assertThrows(IllegalStateException.class, () -> VertxContextSupport.subscribeAndAwait(
                    () -> Panache.withTransaction(() -> writer.append(Probe.TYPE, new Probe("rolled-back"))
                            .invoke(id -> rolledBack[0] = id)
                            .chain(id -> Uni.createFrom().failure(new IllegalStateException("the change failed"))))));
            assertNotNull(rolledBack[0], "the event was written before the failure");
            UUID committed = commit(Probe.TYPE, new Probe("committed-after-rollback"));

            // the relay publishes in id order, so once the later event is out, the earlier one would be too
            List<String> ids = new ArrayList<>();
            await().atMost(PATIENCE).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> ids.add(header(r, CloudEventHeaders.ID)));
                return ids.contains(committed.toString());
            });
            assertFalse(ids.contains(rolledBack[0].toString()));
            assertEquals(0L, count("select count(*) from outbox_event where event_id = $1", rolledBack[0]));
        }
    }

    @Test
    void eventCommittedWhileTheBrokerIsDownIsPublishedOnceItReturns() {
        assumeTrue(DevStackControl.available(), "needs a broker this test JVM owns");
        UUID id;
        double failuresBefore = failures();
        DevStackControl.stopKafka();
        try {
            id = commit(Probe.TYPE, new Probe("while-broker-down"));
            await().atMost(PATIENCE).until(() -> failures() > failuresBefore);
            assertNull(sentAt(id), "a batch Kafka did not acknowledge stays unsent");
        } finally {
            DevStackControl.startKafka();
        }
        await().atMost(PATIENCE).until(() -> sentAt(id) != null);
        try (KafkaConsumer<String, byte[]> consumer = consumerFromStart(Probe.TOPIC)) {
            List<String> ids = new ArrayList<>();
            UUID marker = commit(Probe.TYPE, new Probe("after-broker-back"));
            await().atMost(PATIENCE).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> ids.add(header(r, CloudEventHeaders.ID)));
                return ids.contains(marker.toString());
            });
            assertEquals(1, ids.stream().filter(id.toString()::equals).count(), "published exactly once");
        }
    }

    @Test
    void redeliveredEventIsAppliedOnceAndMalformedRecordsDoNotBlockThePartition() throws Exception {
        String duplicated = UUID.randomUUID().toString();
        String marker = UUID.randomUUID().toString();
        try (KafkaProducer<String, byte[]> producer = rawProducer()) {
            producer.send(new ProducerRecord<>(Probe.TOPIC, null, "probe", "not a cloud event".getBytes(),
                    new RecordHeaders())).get(30, TimeUnit.SECONDS);
            producer.send(probeRecord(duplicated, "twice-delivered")).get(30, TimeUnit.SECONDS);
            producer.send(probeRecord(duplicated, "twice-delivered")).get(30, TimeUnit.SECONDS);
            producer.send(probeRecord(UUID.randomUUID().toString(), "{\"name\":")).get(30, TimeUnit.SECONDS);
            producer.send(probeRecord(marker, "marker-" + marker)).get(30, TimeUnit.SECONDS);
        }
        await().atMost(PATIENCE).until(() -> applied("marker-" + marker) == 1);
        assertEquals(1, applied("twice-delivered"));
        assertEquals(1L, count("select count(*) from processed_event where event_id = $1", duplicated));
    }

    @Test
    void writingOutsideATransactionIsRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> VertxContextSupport.subscribeAndAwait(
                () -> Panache.withSession(() -> writer.append(Probe.TYPE, new Probe("no-transaction")))));
        assertTrue(e.getMessage().contains("transaction"), e.getMessage());
    }

    @Test
    void theSqlClientVariantJoinsTheCallersTransactionAndRefusesToRunWithoutOne() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.withConnection(
                c -> writer.append(c, Probe.TYPE, new Probe("no-transaction"), null)).await().atMost(PATIENCE));
        assertTrue(e.getMessage().contains("transaction"), e.getMessage());

        assertThrows(IllegalStateException.class, () -> pool.withTransaction(tx -> writer.append(tx, Probe.TYPE,
                        new Probe("rolled-back-sql"), "subject").chain(id -> Uni.createFrom()
                        .failure(new IllegalStateException("the change failed")))).await().atMost(PATIENCE));
        assertEquals(0L, count("select count(*) from outbox_event where payload like $1", "%rolled-back-sql%"));

        try (KafkaConsumer<String, byte[]> consumer = consumerAtEnd(Probe.TOPIC)) {
            UUID id = pool.withTransaction(tx -> writer.append(tx, Probe.TYPE, new Probe("sql-client"), "subject"))
                    .await().atMost(PATIENCE);
            ConsumerRecord<String, byte[]> record = awaitRecord(consumer, id);
            assertEquals("subject", header(record, CloudEventHeaders.SUBJECT));
        }
    }

    private double failures() {
        return metrics.counter("drydock.outbox.publish.failures").count();
    }

    private <T> UUID commit(dev.drydock.events.EventType<T> type, T payload) {
        try {
            return VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> writer.append(type, payload)));
        } catch (Throwable e) {
            throw new AssertionError("commit failed", e);
        }
    }

    private java.time.OffsetDateTime sentAt(UUID id) {
        RowSet<Row> rows = pool.preparedQuery("select sent_at from outbox_event where event_id = $1")
                .execute(Tuple.of(id)).await().atMost(Duration.ofSeconds(10));
        return rows.iterator().next().getOffsetDateTime("sent_at");
    }

    private long count(String sql, Object param) {
        return pool.preparedQuery(sql).execute(Tuple.of(param)).await().atMost(Duration.ofSeconds(10))
                .iterator().next().getLong(0);
    }

    private int applied(String name) {
        RowSet<Row> rows = pool.preparedQuery("select applied from probe_tally where name = $1")
                .execute(Tuple.of(name)).await().atMost(Duration.ofSeconds(10));
        return rows.size() == 0 ? 0 : rows.iterator().next().getInteger(0);
    }

    private ProducerRecord<String, byte[]> probeRecord(String id, String name) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(CloudEventHeaders.SPEC_VERSION, "1.0".getBytes());
        headers.add(CloudEventHeaders.ID, id.getBytes());
        headers.add(CloudEventHeaders.SOURCE, "/test".getBytes());
        headers.add(CloudEventHeaders.TYPE, Probe.TYPE.type().getBytes());
        byte[] value = name.startsWith("{") ? name.getBytes() : EventJson.write(new Probe(name));
        return new ProducerRecord<>(Probe.TOPIC, null, "probe", value, headers);
    }

    private KafkaProducer<String, byte[]> rawProducer() {
        return new KafkaProducer<>(TestKafka.admin().clientConfig(),
                new StringSerializer(), new ByteArraySerializer());
    }

    private KafkaConsumer<String, byte[]> consumerAtEnd(String topic) {
        return consumer(topic, "latest");
    }

    private KafkaConsumer<String, byte[]> consumerFromStart(String topic) {
        return consumer(topic, "earliest");
    }

    /** Subscribes and waits for the partition assignment, so that "latest" means "after this point". */
    private KafkaConsumer<String, byte[]> consumer(String topic, String reset) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(TestKafka.admin().clientConfig(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "outbox-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, reset)),
                new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        await().atMost(PATIENCE).until(() -> {
            consumer.poll(Duration.ofMillis(100));
            return !consumer.assignment().isEmpty();
        });
        consumer.seekToEnd(consumer.assignment());
        if ("latest".equals(reset)) {
            consumer.assignment().forEach(consumer::position);
        } else {
            consumer.seekToBeginning(consumer.assignment());
        }
        return consumer;
    }

    private static ConsumerRecord<String, byte[]> awaitRecord(KafkaConsumer<String, byte[]> consumer, UUID id) {
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        await().atMost(PATIENCE).until(() -> {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (id.toString().equals(header(r, CloudEventHeaders.ID))) {
                    found.add(r);
                }
            }
            return !found.isEmpty();
        });
        return found.get(0);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        var h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
