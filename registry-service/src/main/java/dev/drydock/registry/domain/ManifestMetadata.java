package dev.drydock.registry.domain;

import java.time.Instant;
import java.util.List;

/**
 * A manifest as list-metadata describes it.
 *
 * @param references an index's children with their platforms; empty for an image
 */
public record ManifestMetadata(String digest, long imageSize, Instant createdTime, Instant lastUpdateTime,
        String architecture, String os, String mediaType, String configMediaType, List<String> tags,
        List<Child> references, ChangeableAttributes attributes) {

    public record Child(String digest, String architecture, String os) {
    }
}
