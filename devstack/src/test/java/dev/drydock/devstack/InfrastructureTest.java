package dev.drydock.devstack;

import dev.drydock.events.KafkaPrincipals;
import dev.drydock.events.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
        assertEquals("rwx------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(secrets)));
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(secrets.resolve("role-registry"))));
    }

    @Test
    void aClusterOfAnEarlierDrydockIsSecuredAndItsDataKept(@TempDir Path old) throws Exception {
        // what an earlier Drydock left: superuser app, trust for everyone, a database app owns
        Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rwxr-xr-x"));
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
        try (Admin admin = Admin.create(infra.kafka().adminLogin().clientConfig())) {
            Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            assertTrue(names.containsAll(Topics.ALL), () -> "topics: " + names);
            admin.describeTopics(Topics.ALL).allTopicNames().get(30, TimeUnit.SECONDS)
                    .forEach((name, d) -> assertEquals(3, d.partitions().size(), name));
        }
    }

    @Test
    void kafkaDeliversARecordAndSurvivesARestartWithItsData() throws Exception {
        String topic = Topics.TASK_EVENTS;
        KafkaLogin tasks = infra.kafka().login(KafkaPrincipals.TASKS);
        produce(tasks, topic, "before-restart");
        infra.kafka().close();
        assertFalse(infra.kafka().isRunning());
        infra.kafka().start(Duration.ofSeconds(90));
        produce(tasks, topic, "after-restart");

        List<String> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(infra.kafka().adminLogin(), "infrastructure-test")) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    seen.add(r.value());
                }
                return seen.containsAll(List.of("before-restart", "after-restart"));
            });
        }
    }

    @Test
    void aProcessWithoutKafkaCredentialsCanNeitherProduceNorConsume() {
        Map<String, Object> anonymous = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafka().bootstrapServers(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 3_000);
        Exception refused = assertThrows(Exception.class, () -> produce(anonymous, Topics.REGISTRY_EVENTS, "forged"));
        assertTrue(refused.getMessage().contains("not present in metadata")
                || refused.getCause() instanceof org.apache.kafka.common.errors.TimeoutException, refused::toString);

        KafkaLogin guessing = new KafkaLogin(infra.kafka().bootstrapServers(), KafkaLogin.SCRAM,
                KafkaPrincipals.REGISTRY, "guessed");
        Exception badPassword = assertThrows(Exception.class,
                () -> produce(guessing, Topics.REGISTRY_EVENTS, "forged"));
        assertTrue(causes(badPassword).stream().anyMatch(SaslAuthenticationException.class::isInstance),
                badPassword::toString);
        KafkaLogin plainGuess = new KafkaLogin(infra.kafka().bootstrapServers(), KafkaLogin.PLAIN,
                KafkaBroker.ADMIN, "guessed");
        assertThrows(Exception.class, () -> produce(plainGuess, Topics.REGISTRY_EVENTS, "forged"));

        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "eavesdropper",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
            consumer.subscribe(List.of(Topics.REGISTRY_EVENTS));
            assertTrue(consumer.poll(Duration.ofSeconds(3)).isEmpty());
            assertTrue(consumer.assignment().isEmpty(), "an anonymous consumer got partitions");
        }
    }

    @Test
    void eachServiceWritesOnlyItsOwnTopicAndReadsOnlyWhatItConsumes() throws Exception {
        produce(infra.kafka().login(KafkaPrincipals.REGISTRY), Topics.REGISTRY_EVENTS, "image pushed");
        produce(infra.kafka().login(KafkaPrincipals.SOURCES), Topics.SOURCE_EVENTS, "commit pushed");
        for (String[] forgery : new String[][] {
                {KafkaPrincipals.INSTANCES, Topics.REGISTRY_EVENTS}, {KafkaPrincipals.TASKS, Topics.INSTANCE_EVENTS},
                {KafkaPrincipals.SOURCES, Topics.REGISTRY_EVENTS}, {KafkaPrincipals.REGISTRY, Topics.TASK_EVENTS}}) {
            Exception refused = assertThrows(Exception.class,
                    () -> produce(infra.kafka().login(forgery[0]), forgery[1], "forged"), String.join(" to ", forgery));
            assertTrue(causes(refused).stream().anyMatch(TopicAuthorizationException.class::isInstance),
                    refused::toString);
        }

        // reading: only topics a service consumes, only in consumer groups under its own name
        try (KafkaConsumer<String, String> consumer =
                consumer(infra.kafka().login(KafkaPrincipals.REGISTRY), KafkaPrincipals.REGISTRY + "-snoop")) {
            consumer.subscribe(List.of(Topics.TASK_EVENTS));
            assertThrows(org.apache.kafka.common.errors.AuthorizationException.class,
                    () -> consumer.poll(Duration.ofSeconds(10)));
        }
        try (KafkaConsumer<String, String> consumer =
                consumer(infra.kafka().login(KafkaPrincipals.TASKS), "someone-elses-group")) {
            consumer.subscribe(List.of(Topics.REGISTRY_EVENTS));
            assertThrows(GroupAuthorizationException.class, () -> consumer.poll(Duration.ofSeconds(10)));
        }
        try (KafkaConsumer<String, String> consumer =
                consumer(infra.kafka().login(KafkaPrincipals.TASKS), KafkaPrincipals.TASKS + "-triggers-test")) {
            consumer.subscribe(List.of(Topics.SOURCE_EVENTS));
            List<String> seen = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add(r.value()));
                return seen.contains("commit pushed");
            });
        }
    }

    @Test
    void kafkaSecretsAreReadableByTheirOwnerOnly() throws Exception {
        Path secrets = home.resolve("kafka-secrets");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets)));
        try (var files = Files.list(secrets)) {
            for (Path file : files.toList()) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                        file.toString());
            }
        }
        Path properties = home.resolve("kafka/server.properties");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(properties)));
    }

    private static KafkaConsumer<String, String> consumer(KafkaLogin login, String group) {
        return new KafkaConsumer<>(login.clientConfig(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName())));
    }

    private static void produce(KafkaLogin login, String topic, String value) throws Exception {
        produce(login.clientConfig(Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000)), topic, value);
    }

    private static void produce(Map<String, Object> config, String topic, String value) throws Exception {
        Map<String, Object> all = new java.util.HashMap<>(config);
        all.put(ProducerConfig.ACKS_CONFIG, "all");
        all.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        all.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(all)) {
            producer.send(new ProducerRecord<>(topic, "k", value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static List<Throwable> causes(Throwable e) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = e; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }
}
