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

    public static final List<String> ALL = List.of(REGISTRY, TASKS, INSTANCES, SOURCES);

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
            new Grant(TASKS, Right.WRITE_TOPIC, Topics.TASK_EVENTS),
            new Grant(TASKS, Right.READ_TOPIC, Topics.REGISTRY_EVENTS),
            new Grant(TASKS, Right.READ_TOPIC, Topics.SOURCE_EVENTS),
            new Grant(TASKS, Right.READ_GROUP, TASKS + "-"),
            new Grant(INSTANCES, Right.WRITE_TOPIC, Topics.INSTANCE_EVENTS),
            new Grant(INSTANCES, Right.READ_TOPIC, Topics.REGISTRY_EVENTS),
            new Grant(INSTANCES, Right.READ_GROUP, INSTANCES + "-"),
            new Grant(SOURCES, Right.WRITE_TOPIC, Topics.SOURCE_EVENTS));

    private KafkaPrincipals() {
    }
}
