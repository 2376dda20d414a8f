package dev.drydock.events.registry;

import dev.drydock.events.Require;

import java.time.Instant;
import java.util.List;

/**
 * A manifest was deleted, together with the tags that pointed at it. {@code site} and {@code deletedAt} say where a
 * client deleted it and when (absent outside geo-replication and in events of older versions).
 */
public record ImageDeleted(String registry, String repository, String digest, List<String> tags, String site,
        Instant deletedAt) {

    public ImageDeleted {
        Require.text(registry, "registry");
        Require.text(repository, "repository");
        Require.text(digest, "digest");
        tags = Require.list(tags);
    }
}
