package dev.drydock.registry.domain;

import java.time.Instant;

/** A soft-deleted tag: the digest it named when it went. */
public record DeletedTag(String name, String digest, Instant deletedAt) {
}
