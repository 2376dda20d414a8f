package dev.drydock.events;

import java.util.List;

/**
 * Who may do what on Drydock's Kafka: one SASL/SCRAM principal per service (named after the service) and one for
 * outside producers of source events. Each service writes only its own topic and reads only what it consumes, so a
 * stolen service password cannot forge another service's events. The broker's administrator is none of these.
 * deploy/kafka/acls.txt lists the same grants for docker-compose and Kubernetes (a test checks it).
 */
public final class KafkaPrincipals {

    public static final String REGISTRY = "registry-service";
    public static final String TASKS = "task-service";
    public static final String INSTANCES = "instance-service";
    /** Git hooks and CI systems that announce commits on source-events. */
    public static final String SOURCES = "sources";
    /**
     * Another site's MirrorMaker 2, reading this site's registry events (geo-replication). Its password is derived
     * from the replication secret every site shares ({@link #mirrorPassword}).
     */
    public static final String MIRROR = "drydock-mirror";

    public static final List<String> ALL = List.of(REGISTRY, TASKS, INSTANCES, SOURCES, MIRROR);

    /** What a grant allows: write records to a topic, read a topic, or consume as a group. */
    public enum Right {
        WRITE_TOPIC, READ_TOPIC, READ_GROUP
    }

    /**
     * One allowed operation. Groups are granted by prefix ({@code task-service-}) so that a service may name its
     * consumer groups freely within its own prefix; topics are granted by exact name.
     */
    public record Grant(String principal, Right right, String resource) {

        /** The line of deploy/kafka/acls.txt that states this grant. */
        public String line() {
            return principal + " " + right.name().toLowerCase().replace('_', '-') + " " + resource;
        }
    }

    public static final List<Grant> GRANTS = List.of(
            new Grant(REGISTRY, Right.WRITE_TOPIC, Topics.REGISTRY_EVENTS),
            // the replicator's group; each peer's mirrored topic is granted per site (mirroredRegistryEvents)
            new Grant(REGISTRY, Right.READ_GROUP, REGISTRY + "-"),
            new Grant(TASKS, Right.WRITE_TOPIC, Topics.TASK_EVENTS),
            new Grant(TASKS, Right.READ_TOPIC, Topics.REGISTRY_EVENTS),
            new Grant(TASKS, Right.READ_TOPIC, Topics.SOURCE_EVENTS),
            new Grant(TASKS, Right.READ_GROUP, TASKS + "-"),
            new Grant(INSTANCES, Right.WRITE_TOPIC, Topics.INSTANCE_EVENTS),
            new Grant(INSTANCES, Right.READ_TOPIC, Topics.REGISTRY_EVENTS),
            new Grant(INSTANCES, Right.READ_GROUP, INSTANCES + "-"),
            new Grant(SOURCES, Right.WRITE_TOPIC, Topics.SOURCE_EVENTS),
            new Grant(MIRROR, Right.READ_TOPIC, Topics.REGISTRY_EVENTS));

    private KafkaPrincipals() {
    }

    /**
     * What a site's registry service reads of a peer's events: MirrorMaker 2 names the copy after the source site
     * ({@code east.registry-events}), and Kafka grants topics by exact name or prefix only, so each peer's topic is
     * granted on its own.
     */
    public static Grant mirroredRegistryEvents(String peer) {
        return new Grant(REGISTRY, Right.READ_TOPIC, peer + "." + Topics.REGISTRY_EVENTS);
    }

    /**
     * The mirror principal's password, the same at every site of a deployment: HMAC-SHA256 of a label under the
     * replication secret, so the Kafka password never equals the secret the registries check.
     */
    public static String mirrorPassword(String replicationSecret) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(
                    replicationSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
            return java.util.HexFormat.of().formatHex(mac.doFinal(
                    "drydock-mirror".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
