package dev.drydock.registry.domain;

/** A tag as a write sees it: where it points now and its locks. */
public record TagState(String name, String digest, ChangeableAttributes attributes) {
}
