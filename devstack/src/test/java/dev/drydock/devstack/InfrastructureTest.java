package dev.drydock.devstack;

import dev.drydock.events.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InfrastructureTest {

    @TempDir
    static Path home;
    static Infrastructure infra;

    @BeforeAll
    static void start() {
        infra = Infrastructure.start(home, 0, 0, false, Duration.ofSeconds(90));
    }

    @AfterAll
    static void stop() {
        if (infra != null) {
            infra.close();
        }
    }

    @Test
    void postgresKeepsDataInTheDatabaseItWasAskedFor() throws Exception {
        infra.postgres().createDatabase("shipyard");
        infra.postgres().createDatabase("shipyard");
        try (Connection c = DriverManager.getConnection(infra.postgres().jdbcUrl("shipyard"), "app", "app");
                Statement s = c.createStatement()) {
            s.execute("create table hull (id int primary key)");
            s.execute("insert into hull values (7)");
            try (ResultSet rs = s.executeQuery("select id from hull")) {
                assertTrue(rs.next());
                assertEquals(7, rs.getInt(1));
            }
        }
    }

    @Test
    void postgresRunsAsThePostgresUserWhenWeAreRoot() throws Exception {
        String owner = Files.getOwner(Path.of("/proc", String.valueOf(infra.postgres().pid()))).getName();
        assertEquals(Processes.isRoot() ? "postgres" : System.getProperty("user.name"), owner);
    }

    @Test
    void databaseNamesCannotCarrySql() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> infra.postgres().createDatabase("x; drop database postgres"));
    }

    @Test
    void everyDrydockTopicExistsBeforeAnyoneProduces() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafka().bootstrapServers()))) {
            Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            assertTrue(names.containsAll(Topics.ALL), () -> "topics: " + names);
            admin.describeTopics(Topics.ALL).allTopicNames().get(30, TimeUnit.SECONDS)
                    .forEach((name, d) -> assertEquals(3, d.partitions().size(), name));
        }
    }

    @Test
    void kafkaDeliversARecordAndSurvivesARestartWithItsData() {
        String topic = Topics.TASK_EVENTS;
        produce(topic, "before-restart");
        infra.kafka().close();
        assertFalse(infra.kafka().isRunning());
        infra.kafka().start(Duration.ofSeconds(90));
        produce(topic, "after-restart");

        List<String> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "infrastructure-test",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    seen.add(r.value());
                }
                return seen.containsAll(List.of("before-restart", "after-restart"));
            });
        }
    }

    private static void produce(String topic, String value) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafka().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
            producer.send(new ProducerRecord<>(topic, "k", value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("produce failed", e);
        }
    }
}
