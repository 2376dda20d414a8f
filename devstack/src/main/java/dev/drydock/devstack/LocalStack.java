package dev.drydock.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The local stack's supervisor: PostgreSQL, Kafka and the three services as child processes of this one JVM.
 * The {@code drydock-stack} script starts it in the background and stops it with SIGTERM; a kill -9 of this JVM
 * takes every child with it. All state lives under one home directory, so a restart keeps every byte.
 * <p>
 * Configuration comes from the environment, which the script fills from deploy/local/stack.env: DRYDOCK_HOME,
 * DRYDOCK_REPO (the built checkout), DRYDOCK_PG_PORT, DRYDOCK_KAFKA_PORT, DRYDOCK_REGISTRY_PORT, DRYDOCK_TASKS_PORT,
 * DRYDOCK_INSTANCES_PORT and DRYDOCK_SERVICE_JAVA_OPTS.
 */
public final class LocalStack {

    /**
     * Every service JVM gets this: java.net.http may then send a Host header, which is how services reach Drydock's
     * registries by login server without DNS (LoginServers).
     */
    /**
     * What java.net.http needs in every service: a Host header towards Drydock's own registries, and reads of 1 MiB
     * instead of 16 KiB, so that a streamed blob (an artifact cache fill, an image pull) does not cross threads
     * every 16 KiB; that halved a cold 512 MiB pull through the cache (docs/benchmarks.md).
     */
    public static final List<String> JVM_FLAGS = List.of("-Djdk.httpclient.allowRestrictedHeaders=host",
            "-Djdk.httpclient.bufsize=1048576");


    /** Where the supervisor keeps the state of every program, for {@code drydock-stack status}. */
    public static final String STATUS_FILE = "stack-status";

    /** A service of the stack: its module directory, HTTP port variable and its own database. */
    record Service(String name, String module, String portVariable, String database) {
    }

    static final List<Service> SERVICES = List.of(
            new Service("registry", "registry-service", "DRYDOCK_REGISTRY_PORT", "registry"),
            new Service("tasks", "task-service", "DRYDOCK_TASKS_PORT", "tasks"),
            new Service("instances", "instance-service", "DRYDOCK_INSTANCES_PORT", "instances"));

    private LocalStack() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path home = Path.of(requiredEnv("DRYDOCK_HOME")).toAbsolutePath();
        Path repo = Path.of(requiredEnv("DRYDOCK_REPO")).toAbsolutePath();
        Path logs = home.resolve("logs");
        createDirectories(logs);

        log("starting PostgreSQL and Kafka under " + home);
        Duration startTimeout = Duration.ofSeconds(120);
        SiteSettings site = SiteSettings.fromEnvironment(System.getenv());
        Infrastructure infra = Infrastructure.start(home, intEnv("DRYDOCK_PG_PORT"), intEnv("DRYDOCK_KAFKA_PORT"),
                true, site, startTimeout);
        Supervisor supervisor = new Supervisor(home.resolve(STATUS_FILE), LocalStack::log);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log("stopping");
            // the reverse order of start: services first, so none of them sees its database vanish
            supervisor.close();
            infra.close();
            log("stopped");
            stopped.countDown();
        }, "stack-shutdown"));

        supervisor.keep("postgres", infra.postgres().process(), () -> infra.postgres().restart(startTimeout));
        supervisor.keep("kafka", infra.kafka().process(), () -> infra.kafka().restart(startTimeout));
        if (site != null) {
            supervisor.keep("mirror", () -> KafkaMirror.start(home.resolve("mirror"), site,
                    infra.kafka().adminLogin()));
        }
        for (Service service : selected()) {
            PostgresServer.ServiceDatabase database = infra.postgres().serviceDatabase(service.database());
            supervisor.keep(service.name(), () -> startService(service, database, infra, home, repo, logs));
        }
        log("postgres 127.0.0.1:" + infra.postgres().port() + ", kafka " + infra.kafka().bootstrapServers()
                + ", services started");
        stopped.await();
    }

    /** DRYDOCK_STACK_SERVICES (registry,tasks,instances by default): a site that only replicates runs the registry. */
    private static List<Service> selected() {
        String wanted = System.getenv().getOrDefault("DRYDOCK_STACK_SERVICES", "").strip();
        if (wanted.isEmpty()) {
            return SERVICES;
        }
        List<String> names = List.of(wanted.split("\\s*,\\s*"));
        return SERVICES.stream().filter(s -> names.contains(s.name())).toList();
    }

    private static SupervisedProcess startService(Service service, PostgresServer.ServiceDatabase database,
            Infrastructure infra, Path home, Path repo, Path logs) {
        Path jar = repo.resolve(service.module()).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build the project first (./mvnw -B package -DskipTests)");
        }
        Path dataDir = home.resolve(service.module());
        createDirectories(dataDir);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_FLAGS);
        command.addAll(List.of(requiredEnv("DRYDOCK_SERVICE_JAVA_OPTS").strip().split("\\s+")));
        command.addAll(List.of("-jar", jar.toString()));
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "QUARKUS_HTTP_PORT", String.valueOf(intEnv(service.portVariable())),
                "QUARKUS_DATASOURCE_REACTIVE_URL", infra.postgres().reactiveUrl(service.database()),
                "QUARKUS_DATASOURCE_JDBC_URL", infra.postgres().jdbcUrl(service.database()),
                "QUARKUS_DATASOURCE_USERNAME", database.role(),
                "QUARKUS_DATASOURCE_PASSWORD", database.password(),
                "KAFKA_BOOTSTRAP_SERVERS", infra.kafka().bootstrapServers(),
                // each service's Kafka principal is named after its module
                "DRYDOCK_KAFKA_PASSWORD", infra.kafka().login(service.module()).password(),
                "DRYDOCK_REGISTRY_URL", "http://127.0.0.1:" + intEnv("DRYDOCK_REGISTRY_PORT"),
                // task-service runs its cmd steps there
                "DRYDOCK_INSTANCES_URL", "http://127.0.0.1:" + intEnv("DRYDOCK_INSTANCES_PORT"),
                "DRYDOCK_DATA_DIR", dataDir.toString()));
        // a site of a geo-replicated deployment (SiteSettings): the registry service takes these as they are
        for (String name : List.of("DRYDOCK_SITE_NAME", "DRYDOCK_SITE_PEERS", "DRYDOCK_REPLICATION_SECRET")) {
            String value = System.getenv(name);
            if (value != null && !value.isBlank()) {
                env.put(name, value);
            }
        }
        log("starting " + service.name() + " (" + service.module() + ")");
        return SupervisedProcess.start(service.module(), command, env, "TERM",
                logs.resolve(service.module() + ".log"), 30);
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    private static String requiredEnv(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " is not set");
        }
        return value;
    }

    private static int intEnv(String name) {
        String value = requiredEnv(name).strip();
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(name + " is not a port number: " + value);
        }
    }

    private static void log(String message) {
        System.out.println(Instant.now() + " drydock-stack: " + message);
    }
}
