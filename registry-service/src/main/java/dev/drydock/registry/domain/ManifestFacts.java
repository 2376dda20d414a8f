package dev.drydock.registry.domain;

/**
 * What list-metadata reports about a manifest, worked out once at push: the platform from the image config,
 * the config's media type, the total size, and the base image its annotations name.
 *
 * @param imageSize the manifest's bytes plus everything it references
 * @param base      the base image, or null when the manifest names none
 */
public record ManifestFacts(String architecture, String os, String configMediaType, long imageSize, Base base) {

    /**
     * The org.opencontainers.image.base.name/.digest annotations, and where the name points in Drydock.
     *
     * @param registryId the Drydock registry the name's host is (null for another registry)
     */
    public record Base(String name, String digest, Long registryId, String repository, String tag) {
    }
}
