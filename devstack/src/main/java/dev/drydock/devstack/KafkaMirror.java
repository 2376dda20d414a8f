package dev.drydock.devstack;

import dev.drydock.events.KafkaPrincipals;
import dev.drydock.events.Topics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Kafka's own MirrorMaker 2 in dedicated mode, bringing each peer site's registry-events into this site's Kafka as
 * {@code <peer>.registry-events} (docs/decisions/0015). It runs where the events are consumed, as Kafka advises: it
 * reads a peer as that site's {@code drydock-mirror} principal (read of registry-events only) and writes here as
 * this broker's administrator. Its place in the source topic is kept in this site's Kafka, so a restart (of it or of
 * either site) resumes where it stopped; the default replication policy names copies after their source and never
 * mirrors a copy again, so events cannot loop between sites.
 */
public final class KafkaMirror {

    private static final String MAIN_CLASS = "org.apache.kafka.connect.mirror.MirrorMaker";

    private KafkaMirror() {
    }

    /** Starts MirrorMaker 2 for {@code site} beside its broker; its log and configuration go under {@code dir}. */
    public static SupervisedProcess start(Path dir, SiteSettings site, KafkaLogin localAdmin) {
        Path properties = write(dir, site, localAdmin);
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.connect.mirror.MirrorMaker=info",
                "-cp", KafkaBroker.brokerClasspath(), MAIN_CLASS, properties.toString(), "--clusters", site.name());
        return SupervisedProcess.start("mirror", command, Map.of(), "TERM", dir.resolve("mirror.log"), 30);
    }

    static Path write(Path dir, SiteSettings site, KafkaLogin localAdmin) {
        List<String> lines = new ArrayList<>();
        List<String> clusters = new ArrayList<>(site.peerKafka().keySet());
        clusters.add(0, site.name());
        lines.add("clusters = " + String.join(", ", clusters));
        cluster(lines, site.name(), localAdmin);
        String mirrorPassword = KafkaPrincipals.mirrorPassword(site.replicationSecret());
        for (Map.Entry<String, String> peer : site.peerKafka().entrySet()) {
            cluster(lines, peer.getKey(), new KafkaLogin(peer.getValue(), KafkaLogin.SCRAM, KafkaPrincipals.MIRROR,
                    mirrorPassword));
            lines.add(peer.getKey() + "->" + site.name() + ".enabled = true");
            lines.add(peer.getKey() + "->" + site.name() + ".topics = " + Topics.REGISTRY_EVENTS);
            lines.add(site.name() + "->" + peer.getKey() + ".enabled = false");
        }
        lines.addAll(List.of(
                // one broker per site here; a production cluster keeps Kafka's default of 3
                "replication.factor = 1",
                "offset.storage.replication.factor = 1",
                "status.storage.replication.factor = 1",
                "config.storage.replication.factor = 1",
                "offset-syncs.topic.replication.factor = 1",
                "heartbeats.topic.replication.factor = 1",
                "checkpoints.topic.replication.factor = 1",
                // what MirrorMaker writes besides the copy stays at the target: the peer only grants a read
                "offset-syncs.topic.location = target",
                "emit.heartbeats.enabled = false",
                // no consumer group of a peer is translated here (the checkpoint connector must stay on, idle)
                "groups.exclude = .*",
                "emit.checkpoints.interval.seconds = 3600",
                "sync.group.offsets.enabled = false",
                "sync.topic.acls.enabled = false",
                "sync.topic.configs.enabled = false",
                "refresh.topics.interval.seconds = 10",
                // an event is fetched as it arrives, not after the fetch's default half-second wait
                "consumer.fetch.max.wait.ms = 100",
                ""));
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            Path file = dir.resolve("mm2.properties");
            Files.deleteIfExists(file);
            // passwords are in it
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, String.join("\n", lines), StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the MirrorMaker configuration under " + dir, e);
        }
    }

    private static void cluster(List<String> lines, String alias, KafkaLogin login) {
        lines.add(alias + ".bootstrap.servers = " + login.bootstrapServers());
        lines.add(alias + ".security.protocol = " + KafkaLogin.SECURITY_PROTOCOL);
        lines.add(alias + ".sasl.mechanism = " + login.mechanism());
        lines.add(alias + ".sasl.jaas.config = " + login.jaasConfig());
    }
}
