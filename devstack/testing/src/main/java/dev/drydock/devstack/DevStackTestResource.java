package dev.drydock.devstack;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

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
 * {@code TEST_PG_USER}/{@code TEST_PG_PASSWORD}) and {@code TEST_KAFKA_BOOTSTRAP}; each test JVM then gets a fresh
 * database of its own on that server, dropped at the end.
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
            KafkaBroker.createTopics(kafkaBootstrap, Infrastructure.TOPICS);
        } else {
            try {
                home = Files.createTempDirectory("drydock-devstack-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            infrastructure = Infrastructure.start(home, 0, 0, false, START_TIMEOUT);
            reactiveUrl = createDatabase("drydock");
            kafkaBootstrap = infrastructure.kafka().bootstrapServers();
            DevStackControl.register(infrastructure);
        }
        config.put("quarkus.datasource.reactive.url", reactiveUrl);
        config.put("quarkus.datasource.jdbc.url", "jdbc:" + reactiveUrl);
        config.put("quarkus.datasource.username", databases.get("drydock").role());
        config.put("quarkus.datasource.password", databases.get("drydock").password());
        config.put("kafka.bootstrap.servers", kafkaBootstrap);
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
