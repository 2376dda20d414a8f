package dev.drydock.events.registry;

import dev.drydock.events.Require;

import java.util.List;

/**
 * A push moved a tag that stored images name as their base. {@code previousDigest} is absent when the tag is new
 * but images already named it (built from another registry's copy, say).
 */
public record BaseImageUpdated(
        String registry,
        Base base,
        String previousDigest,
        String newDigest,
        List<Dependent> dependents) {

    public BaseImageUpdated {
        Require.text(registry, "registry");
        Require.present(base, "base");
        Require.text(newDigest, "newDigest");
        dependents = Require.list(dependents);
    }

    public record Base(String repository, String tag) {
        public Base {
            Require.text(repository, "base.repository");
            Require.text(tag, "base.tag");
        }
    }

    /** An image built on the base; {@code tag} is absent for an untagged manifest. */
    public record Dependent(String repository, String tag, String digest) {
        public Dependent {
            Require.text(repository, "dependents[].repository");
            Require.text(digest, "dependents[].digest");
        }
    }
}
