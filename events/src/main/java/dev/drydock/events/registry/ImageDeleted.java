package dev.drydock.events.registry;

import dev.drydock.events.Require;

import java.util.List;

/** A manifest was deleted, together with the tags that pointed at it. */
public record ImageDeleted(String registry, String repository, String digest, List<String> tags) {

    public ImageDeleted {
        Require.text(registry, "registry");
        Require.text(repository, "repository");
        Require.text(digest, "digest");
        tags = Require.list(tags);
    }
}
