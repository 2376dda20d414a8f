package dev.drydock.registry.domain;

import java.time.Instant;

/** A repository as /acr/v1 describes it. */
public record RepositoryMetadata(long id, String name, Instant createdTime, Instant lastUpdateTime,
        long manifestCount, long tagCount, ChangeableAttributes attributes) {
}
