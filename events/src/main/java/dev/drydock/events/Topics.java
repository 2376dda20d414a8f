package dev.drydock.events;

import java.util.List;

/** The Kafka topics Drydock's services talk through. Deploy manifests list the same names (a test checks it). */
public final class Topics {

    public static final String REGISTRY_EVENTS = "registry-events";
    public static final String SOURCE_EVENTS = "source-events";
    public static final String TASK_EVENTS = "task-events";
    public static final String INSTANCE_EVENTS = "instance-events";

    public static final List<String> ALL = List.of(REGISTRY_EVENTS, SOURCE_EVENTS, TASK_EVENTS, INSTANCE_EVENTS);

    private Topics() {
    }
}
