package dev.drydock.devstack;

import dev.drydock.events.KafkaPrincipals;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A single-node KRaft Kafka broker in a supervised child JVM. Nobody gets in without a login: Drydock's principals
 * ({@link KafkaPrincipals}) log in with SCRAM-SHA-512 and may do only what their grants say; the administrator
 * (PLAIN, a super user) is the broker itself and the devstack, which creates topics and credentials. Passwords are
 * generated at the first start and kept beside the broker's directory (mode 600).
 * <p>
 * Its classpath is the one Maven resolved for the parent-less kafka-broker module, so no broker jar ever lands on a
 * service's classpath. Stop and start again keep the ports and the log directory, which is how tests take the broker
 * away from a running service.
 */
public final class KafkaBroker extends SupervisedServer {

    private static final String CLASSPATH_RESOURCE = "dev/drydock/devstack/kafka/kafka-broker.classpath";
    private static final String MAIN_CLASS = "dev.drydock.devstack.kafka.BrokerMain";

    /** The broker's super user. */
    public static final String ADMIN = "admin";

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private final GeneratedSecrets secrets;

    private List<KafkaPrincipals.Grant> extraGrants = List.of();

    public KafkaBroker(Path dir, int port, int controllerPort) {
        this.dir = dir.toAbsolutePath();
        this.port = port;
        this.controllerPort = controllerPort;
        this.secrets = new GeneratedSecrets(this.dir.resolveSibling(this.dir.getFileName() + "-secrets"), "Kafka");
    }

    /**
     * Makes this broker a site of a geo-replicated deployment before it starts: the mirror principal gets the
     * password every site derives from the replication secret, and the registry service may read each peer's
     * mirrored events.
     */
    public void site(String replicationSecret, List<String> peers) {
        secrets.put("principal-" + KafkaPrincipals.MIRROR, KafkaPrincipals.mirrorPassword(replicationSecret));
        extraGrants = peers.stream().map(KafkaPrincipals::mirroredRegistryEvents).toList();
    }

    /** How the administrator logs in: for the devstack's own work and for tests that watch every topic. */
    public KafkaLogin adminLogin() {
        return new KafkaLogin(bootstrapServers(), KafkaLogin.PLAIN, ADMIN, secrets.get(ADMIN));
    }

    /** How one of {@link KafkaPrincipals#ALL} logs in. */
    public KafkaLogin login(String principal) {
        if (!KafkaPrincipals.ALL.contains(principal)) {
            throw new IllegalArgumentException("no Kafka principal " + principal);
        }
        return new KafkaLogin(bootstrapServers(), KafkaLogin.SCRAM, principal, secrets.get("principal-" + principal));
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    @Override
    public synchronized void start(Duration timeout) {
        Path props = writeServerProperties();
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dorg.slf4j.simpleLogger.log.kafka.server.KafkaRaftServer=info",
                "-cp", brokerClasspath(), MAIN_CLASS, props.toString(), newClusterId());
        running(SupervisedProcess.start("kafka", command, Map.of(), "TERM", dir.resolve("kafka.log"), 30));
        Ports.awaitListening(port, process(), timeout);
        awaitMetadata(timeout);
        KafkaAccess.grant(adminLogin(), KafkaPrincipals.ALL.stream()
                .collect(Collectors.toMap(Function.identity(), p -> login(p).password())), extraGrants, timeout);
    }

    private Path writeServerProperties() {
        String admin = "username=\"" + ADMIN + "\" password=\"" + secrets.get(ADMIN) + "\" user_" + ADMIN
                + "=\"" + secrets.get(ADMIN) + "\";";
        String properties = String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=SASL_PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=SASL_PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=SASL_PLAINTEXT",
                "listener.security.protocol.map=CONTROLLER:SASL_PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT",
                // SCRAM credentials live in the metadata log, so the broker itself and the administrator, who
                // exist before any, log in with PLAIN; the controller listener takes nothing else
                "sasl.enabled.mechanisms=" + KafkaLogin.SCRAM + "," + KafkaLogin.PLAIN,
                "sasl.mechanism.inter.broker.protocol=" + KafkaLogin.PLAIN,
                "sasl.mechanism.controller.protocol=" + KafkaLogin.PLAIN,
                "listener.name.controller.sasl.enabled.mechanisms=" + KafkaLogin.PLAIN,
                "listener.name.controller.plain.sasl.jaas.config=" + KafkaLogin.PLAIN_MODULE + " required " + admin,
                "listener.name.sasl_plaintext.plain.sasl.jaas.config="
                        + KafkaLogin.PLAIN_MODULE + " required " + admin,
                "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config="
                        + KafkaLogin.SCRAM_MODULE + " required;",
                "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "super.users=User:" + ADMIN,
                "allow.everyone.if.no.acl.found=false",
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=1",
                "auto.create.topics.enable=true",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                // the default 3 s delay would slow every consumer group's first join
                "group.initial.rebalance.delay.ms=0",
                "");
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            Path file = dir.resolve("server.properties");
            // the administrator's password is in it
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, properties, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the broker configuration under " + dir, e);
        }
    }

    /** Waits until the broker answers metadata requests: the listener accepts before the broker is unfenced. */
    private void awaitMetadata(Duration timeout) {
        try (Admin admin = admin()) {
            admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("kafka did not answer within " + timeout + "; see " + dir.resolve("kafka.log"), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for kafka", e);
        }
    }

    /** Creates the topics that do not exist yet, so that no producer or consumer waits for auto-creation. */
    public void createTopics(Map<String, Integer> partitionsByTopic) {
        createTopics(adminLogin(), partitionsByTopic);
    }

    public static void createTopics(KafkaLogin admin, Map<String, Integer> partitionsByTopic) {
        try (Admin client = Admin.create(admin.clientConfig())) {
            List<NewTopic> topics = partitionsByTopic.entrySet().stream()
                    .map(e -> new NewTopic(e.getKey(), e.getValue(), (short) 1))
                    .toList();
            client.createTopics(topics).values().forEach((name, future) -> {
                try {
                    future.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause().getMessage(), e);
                    }
                } catch (TimeoutException e) {
                    throw new IllegalStateException("topic " + name + " not created within 30 s", e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while creating topics", e);
                }
            });
        }
    }

    private Admin admin() {
        return Admin.create(adminLogin().clientConfig(Map.of(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000)));
    }

    /** Only read when the storage is formatted for the first time; Kafka keeps it in meta.properties afterwards. */
    static String newClusterId() {
        SecureRandom random = new SecureRandom();
        byte[] bytes = new byte[16];
        String id;
        do {
            random.nextBytes(bytes);
            id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            // the storage tool would read an id starting with '-' as an option (1 start in 64 failed that way)
        } while (id.startsWith("-"));
        return id;
    }

    /** The broker module's resolved jars plus the module's own jar (or classes directory, inside the reactor). */
    static String brokerClasspath() {
        URL resource = KafkaBroker.class.getClassLoader().getResource(CLASSPATH_RESOURCE);
        if (resource == null) {
            throw new IllegalStateException(CLASSPATH_RESOURCE + " is missing: build devstack/kafka-broker first");
        }
        try (InputStream in = resource.openStream()) {
            String jars = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            return jars + java.io.File.pathSeparator + launcherLocation(resource);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String launcherLocation(URL resource) {
        try {
            if ("jar".equals(resource.getProtocol())) {
                String path = resource.getPath();
                return Path.of(new java.net.URI(path.substring(0, path.indexOf("!/")))).toString();
            }
            Path file = Path.of(resource.toURI());
            int depth = Path.of(CLASSPATH_RESOURCE).getNameCount();
            Path root = file;
            for (int i = 0; i < depth; i++) {
                root = root.getParent();
            }
            return root.toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("unexpected location of " + CLASSPATH_RESOURCE + ": " + resource, e);
        }
    }
}
