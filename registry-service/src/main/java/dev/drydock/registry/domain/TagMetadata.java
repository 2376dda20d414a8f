package dev.drydock.registry.domain;

import java.time.Instant;

/** A tag as /acr/v1 describes it. */
public record TagMetadata(String name, String digest, Instant createdTime, Instant lastUpdateTime,
        ChangeableAttributes attributes) {
}
