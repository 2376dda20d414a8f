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
import java.sql.SQLException;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
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
        infra.postgres().serviceDatabase("shipyard");
        PostgresServer.ServiceDatabase db = infra.postgres().serviceDatabase("shipyard");
        try (Connection c = DriverManager.getConnection(infra.postgres().jdbcUrl("shipyard"), db.role(), db.password());
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
    void postgresRefusesLoginsWithoutTheRightPassword() {
        for (String[] login : List.of(new String[] {"app", "app"}, new String[] {"app", ""},
                new String[] {PostgresServer.ADMIN, ""}, new String[] {PostgresServer.ADMIN, "postgres"})) {
            SQLException refused = assertThrows(SQLException.class, () -> DriverManager.getConnection(
                    infra.postgres().jdbcUrl("postgres"), login[0], login[1]).close(), login[0] + "/" + login[1]);
            // the server asks for a password (an empty one the driver does not even send), and refuses a wrong one
            assertTrue(refused.getMessage().contains("password authentication failed")
                    || refused.getMessage().contains("requested SCRAM-based authentication"), refused.getMessage());
        }
    }

    @Test
    void aServiceRoleOwnsItsDatabaseAndNothingElse() throws Exception {
        PostgresServer.ServiceDatabase registry = infra.postgres().serviceDatabase("registry");
        PostgresServer.ServiceDatabase tasks = infra.postgres().serviceDatabase("tasks");
        // another service's database is closed to it
        SQLException closed = assertThrows(SQLException.class, () -> DriverManager.getConnection(
                infra.postgres().jdbcUrl("registry"), tasks.role(), tasks.password()).close());
        assertTrue(closed.getMessage().contains("permission denied"), closed.getMessage());
        try (Connection c = DriverManager.getConnection(infra.postgres().jdbcUrl("registry"), registry.role(),
                registry.password()); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("select rolsuper, rolcreaterole, rolcreatedb from pg_roles"
                    + " where rolname = current_user")) {
                assertTrue(rs.next());
                assertFalse(rs.getBoolean(1) || rs.getBoolean(2) || rs.getBoolean(3), "no administrator's rights");
            }
            // what a superuser could do to reach the host or other tenants' data is refused
            assertThrows(SQLException.class, () -> s.execute("copy (select 1) to program 'id'"));
            assertThrows(SQLException.class, () -> s.execute("select pg_read_file('/etc/passwd')"));
            assertThrows(SQLException.class, () -> s.execute("create role intruder superuser"));
        }
        Path secrets = home.resolve("postgres-secrets");
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(secrets)));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(secrets.resolve("role-registry"))));
    }

    @Test
    void aClusterOfAnEarlierDrydockIsSecuredAndItsDataKept(@TempDir Path old) throws Exception {
        // what an earlier Drydock left: superuser app, trust for everyone, a database app owns
        Files.setPosixFilePermissions(old, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        PostgresServer server = new PostgresServer(old.resolve("postgres"), Ports.free(), false);
        server.start(Duration.ofSeconds(60));
        PostgresServer.ServiceDatabase admin = server.serviceDatabase("legacy");
        try (Connection c = DriverManager.getConnection(server.jdbcUrl("legacy"), PostgresServer.ADMIN,
                Files.readString(old.resolve("postgres-secrets/admin")).strip()); Statement s = c.createStatement()) {
            s.execute("create role app superuser login");
            s.execute("set role app");
            s.execute("create table kept (v text)");
            s.execute("insert into kept values ('before')");
            s.execute("alter database legacy owner to app");
        }
        server.close();
        Path hba = old.resolve("postgres/pg_hba.conf");
        Files.writeString(hba, Files.readString(hba).replace("scram-sha-256", "trust"));
        Directories.deleteRecursively(old.resolve("postgres-secrets"));
        server = new PostgresServer(old.resolve("postgres"), Ports.free(), false);
        try {
            server.start(Duration.ofSeconds(60));
            PostgresServer.ServiceDatabase db = server.serviceDatabase("legacy");
            assertEquals(admin.role(), db.role());
            try (Connection c = DriverManager.getConnection(server.jdbcUrl("legacy"), db.role(), db.password());
                    Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select v from kept")) {
                assertTrue(rs.next());
                assertEquals("before", rs.getString(1), "the service's data is its own now");
            }
            PostgresServer secured = server;
            assertThrows(SQLException.class, () -> DriverManager.getConnection(secured.jdbcUrl("postgres"), "app",
                    "app").close(), "trust is gone");
        } finally {
            server.close();
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
                () -> infra.postgres().serviceDatabase("x; drop database postgres"));
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
