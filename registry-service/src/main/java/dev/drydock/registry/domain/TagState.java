package dev.drydock.registry.domain;

/** A tag as a write sees it: where it points now, its locks, and when and where it last moved. */
public record TagState(String name, String digest, ChangeableAttributes attributes, SiteChange changed) {
}
