package dev.drydock.outbox;

import dev.drydock.events.EventType;

/** A test-only event whose effect, counting, shows how often it was applied. */
public record Probe(String name) {

    static final String TOPIC = "outbox-probe";
    static final EventType<Probe> TYPE = new EventType<>("dev.drydock.test.probe.sent", TOPIC, Probe.class, p -> "probe");
}
