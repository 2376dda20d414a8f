package dev.drydock.events.registry;

import dev.drydock.events.Require;

import java.time.Instant;

/**
 * The changeable attributes (locks) of a repository, a tag ({@code tag}) or a manifest ({@code digest}) changed: their
 * values afterwards. {@code site} and {@code changedAt} say where a client changed them and when (absent outside
 * geo-replication).
 */
public record AttributesChanged(String registry, String repository, String tag, String digest,
        boolean deleteEnabled, boolean writeEnabled, boolean listEnabled, boolean readEnabled, String site,
        Instant changedAt) {

    public AttributesChanged {
        Require.text(registry, "registry");
        Require.text(repository, "repository");
    }
}
