package dev.drydock.devstack;

import dev.drydock.events.KafkaPrincipals;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Real PostgreSQL and Kafka for a Quarkus test JVM, started once (use it with {@code scope = GLOBAL}).
 * <p>
 * By default it starts both servers itself, in parallel, in a temporary directory. To reuse servers that already
 * run, set {@code TEST_PG_URL} (a reactive URL such as {@code postgresql://127.0.0.1:5432/postgres}, with
 * {@code TEST_PG_USER}/{@code TEST_PG_PASSWORD}) and {@code TEST_KAFKA_BOOTSTRAP} (a SASL broker whose PLAIN super
 * user is {@code TEST_KAFKA_ADMIN_USER}/{@code TEST_KAFKA_ADMIN_PASSWORD}); each test JVM then gets a fresh database
 * of its own on that server, dropped at the end, and sets the passwords of Drydock's Kafka principals.
 * <p>
 * The application logs in to Kafka as the principal {@code drydock.kafka.user} (default: its application name) when
 * that is one of Drydock's; test code gets logins from {@link TestKafka}.
 */
public class DevStackTestResource implements QuarkusTestResourceLifecycleManager {

    private static final Logger LOG = Logger.getLogger(DevStackTestResource.class.getName());
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private Infrastructure infrastructure;
    private Path home;
    private String externalServerUrl;
    private final List<String> externalDatabases = new ArrayList<>();
    /** The external server's administrator (TEST_PG_USER); services get roles of their own. */
    private String user = PostgresServer.ADMIN;
    private String password = "";
    private final Map<String, PostgresServer.ServiceDatabase> databases = new HashMap<>();
    private String kafkaBootstrap;
    private final Map<String, KafkaLogin> kafkaLogins = new HashMap<>();

    @Override
    public Map<String, String> start() {
        long started = System.nanoTime();
        Map<String, String> config = new HashMap<>();
        String pgUrl = System.getenv("TEST_PG_URL");
        kafkaBootstrap = System.getenv("TEST_KAFKA_BOOTSTRAP");
        String reactiveUrl;
        if (pgUrl != null && kafkaBootstrap != null) {
            user = envOr("TEST_PG_USER", user);
            password = envOr("TEST_PG_PASSWORD", password);
            externalServerUrl = "jdbc:" + pgUrl;
            reactiveUrl = createDatabase("drydock");
            KafkaLogin admin = new KafkaLogin(kafkaBootstrap, KafkaLogin.PLAIN,
                    envOr("TEST_KAFKA_ADMIN_USER", KafkaBroker.ADMIN), envOr("TEST_KAFKA_ADMIN_PASSWORD", ""));
            KafkaBroker.createTopics(admin, Infrastructure.TOPICS);
            Map<String, String> passwords = new HashMap<>();
            KafkaPrincipals.ALL.forEach(p -> passwords.put(p, UUID.randomUUID().toString()));
            KafkaAccess.grant(admin, passwords, START_TIMEOUT);
            kafkaLogins.put(KafkaBroker.ADMIN, admin);
            passwords.forEach((p, pw) -> kafkaLogins.put(p, new KafkaLogin(kafkaBootstrap, KafkaLogin.SCRAM, p, pw)));
        } else {
            try {
                home = Files.createTempDirectory("drydock-devstack-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            infrastructure = Infrastructure.start(home, 0, 0, false, START_TIMEOUT);
            reactiveUrl = createDatabase("drydock");
            kafkaBootstrap = infrastructure.kafka().bootstrapServers();
            kafkaLogins.put(KafkaBroker.ADMIN, infrastructure.kafka().adminLogin());
            KafkaPrincipals.ALL.forEach(p -> kafkaLogins.put(p, infrastructure.kafka().login(p)));
            DevStackControl.register(infrastructure);
        }
        config.put("quarkus.datasource.reactive.url", reactiveUrl);
        config.put("quarkus.datasource.jdbc.url", "jdbc:" + reactiveUrl);
        config.put("quarkus.datasource.username", databases.get("drydock").role());
        config.put("quarkus.datasource.password", databases.get("drydock").password());
        config.put("kafka.bootstrap.servers", kafkaBootstrap);
        config.put(TestKafka.ADMIN_USER, kafkaLogins.get(KafkaBroker.ADMIN).user());
        kafkaLogins.values().forEach(l -> config.put(TestKafka.PASSWORD_PREFIX + l.user(), l.password()));
        String principal = applicationPrincipal();
        if (KafkaPrincipals.ALL.contains(principal)) {
            config.put("drydock.kafka.password", kafkaLogins.get(principal).password());
        }
        LOG.info(() -> "devstack ready in %d ms: %s, kafka %s".formatted(
                (System.nanoTime() - started) / 1_000_000, config.get("quarkus.datasource.reactive.url"),
                config.get("kafka.bootstrap.servers")));
        return config;
    }

    @Override
    public void stop() {
        if (infrastructure != null) {
            DevStackControl.unregister();
            infrastructure.close();
            Directories.deleteRecursively(home);
        }
        for (String database : externalDatabases) {
            executeOnExternal("drop database if exists " + database + " with (force)", user, password);
            executeOnExternal("drop role if exists " + database, user, password);
        }
    }

    /**
     * Another database on the same server, for a sibling service a subclass starts, owned by a role of its own
     * ({@link #databaseUser}) as in a deployment: no service logs in as an administrator.
     *
     * @return its reactive URL
     */
    protected String createDatabase(String name) {
        if (infrastructure != null) {
            databases.put(name, infrastructure.postgres().serviceDatabase(name));
            return infrastructure.postgres().reactiveUrl(name);
        }
        String database = "drydock_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String rolePassword = UUID.randomUUID().toString();
        executeOnExternal("create role " + database + " login password '" + rolePassword + "'", user, password);
        executeOnExternal("create database " + database + " owner " + database, user, password);
        externalDatabases.add(database);
        databases.put(name, new PostgresServer.ServiceDatabase(database, database, rolePassword));
        String url = externalServerUrl.substring("jdbc:".length());
        return url.substring(0, url.lastIndexOf('/') + 1) + database;
    }

    /** The role that owns database {@code name} (made by {@link #createDatabase}). */
    protected String databaseUser(String name) {
        return databases.get(name).role();
    }

    protected String databasePassword(String name) {
        return databases.get(name).password();
    }

    protected String kafkaBootstrap() {
        return kafkaBootstrap;
    }

    /** How one of Drydock's principals logs in: for a sibling service. */
    protected KafkaLogin kafkaLogin(String principal) {
        return kafkaLogins.get(principal);
    }

    /** Whom the application under test logs in to Kafka as. */
    private static String applicationPrincipal() {
        Config config = ConfigProvider.getConfig();
        return config.getOptionalValue("drydock.kafka.user", String.class)
                .or(() -> config.getOptionalValue("quarkus.application.name", String.class))
                .orElse("");
    }

    private void executeOnExternal(String sql, String user, String password) {
        try (Connection c = DriverManager.getConnection(externalServerUrl, user, password);
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("TEST_PG_URL server refused '" + sql + "': " + e.getMessage(), e);
        }
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
