package dev.drydock.devstack;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A local stack as one site of a geo-replicated deployment (docs/operations.md, Sites), from its environment:
 * DRYDOCK_SITE_NAME, DRYDOCK_SITE_PEERS (name=registry URL, comma-separated; the registry service reads it as it is),
 * DRYDOCK_SITE_PEER_KAFKA (name=host:port of each peer's Kafka, for MirrorMaker 2) and DRYDOCK_REPLICATION_SECRET.
 */
public record SiteSettings(String name, Map<String, String> peerKafka, String replicationSecret) {

    /** The settings, or null when DRYDOCK_SITE_PEER_KAFKA names no peer (a stack on its own). */
    public static SiteSettings fromEnvironment(Map<String, String> env) {
        String kafka = env.getOrDefault("DRYDOCK_SITE_PEER_KAFKA", "").strip();
        if (kafka.isEmpty()) {
            return null;
        }
        String name = env.getOrDefault("DRYDOCK_SITE_NAME", "").strip();
        String secret = env.getOrDefault("DRYDOCK_REPLICATION_SECRET", "").strip();
        if (name.isEmpty() || secret.isEmpty()) {
            throw new IllegalStateException("DRYDOCK_SITE_PEER_KAFKA needs DRYDOCK_SITE_NAME and "
                    + "DRYDOCK_REPLICATION_SECRET");
        }
        Map<String, String> peers = new LinkedHashMap<>();
        for (String entry : kafka.split(",")) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new IllegalStateException("DRYDOCK_SITE_PEER_KAFKA: '" + entry + "' is not name=host:port");
            }
            peers.put(entry.substring(0, eq).strip(), entry.substring(eq + 1).strip());
        }
        return new SiteSettings(name, Map.copyOf(peers), secret);
    }
}
