package dev.drydock.events.registry;

import dev.drydock.events.Require;

import java.time.Instant;

/**
 * A tag was deleted by itself (its manifest stays): an OCI DELETE by tag, az acr repository untag. {@code site} and
 * {@code deletedAt} say where a client deleted it and when (absent outside geo-replication).
 */
public record TagDeleted(String registry, String repository, String tag, String digest, String site,
        Instant deletedAt) {

    public TagDeleted {
        Require.text(registry, "registry");
        Require.text(repository, "repository");
        Require.text(tag, "tag");
        Require.text(digest, "digest");
    }
}
