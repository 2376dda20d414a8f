package dev.drydock.events.registry;

import dev.drydock.events.Require;

import java.time.Instant;
import java.util.List;

/**
 * A manifest was pushed. {@code tag} is absent for a push by digest; {@code base} is present when the manifest
 * names its base image through the org.opencontainers.image.base.* annotations. {@code site} is the site whose client
 * pushed it (absent outside geo-replication): a replica that receives the content announces it again with the same
 * site and {@code pushedAt}, which is how replicators tell content to copy from content they copied.
 */
public record ImagePushed(
        String registry,
        String repository,
        String tag,
        String digest,
        String mediaType,
        String artifactType,
        long size,
        List<Platform> platforms,
        BaseImage base,
        String actor,
        Instant pushedAt,
        String site) {

    public ImagePushed {
        Require.text(registry, "registry");
        Require.text(repository, "repository");
        Require.text(digest, "digest");
        Require.text(mediaType, "mediaType");
        Require.text(actor, "actor");
        Require.present(pushedAt, "pushedAt");
        platforms = Require.list(platforms);
    }

    /** An image platform as in an OCI index entry. */
    public record Platform(String os, String architecture, String variant) {
        public Platform {
            Require.text(os, "platforms[].os");
            Require.text(architecture, "platforms[].architecture");
        }
    }

    /** The base image a manifest was built on, as its annotations name it. */
    public record BaseImage(String name, String digest) {
        public BaseImage {
            Require.text(name, "base.name");
        }
    }
}
