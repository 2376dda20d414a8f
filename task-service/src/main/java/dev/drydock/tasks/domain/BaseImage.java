package dev.drydock.tasks.domain;

import dev.drydock.oci.ImageReference;

import java.util.Locale;

/**
 * An image a build depends on, normalised as ACR Tasks records it: no registry means Docker Hub
 * ({@code registry.hub.docker.com}, with {@code library/} for single-component names), no tag means latest.
 *
 * @param digest the digest the reference pinned, or null (the build resolves it)
 */
public record BaseImage(String registry, String repository, String tag, String digest) {

    public static final String DOCKER_HUB = "registry.hub.docker.com";

    public static BaseImage of(ImageReference ref) {
        String host = ref.host();
        String registry = host == null || host.equals("docker.io") || host.equals("index.docker.io")
                || host.equals("registry-1.docker.io") ? DOCKER_HUB : host.toLowerCase(Locale.ROOT);
        String repository = registry.equals(DOCKER_HUB) && !ref.repository().contains("/")
                ? "library/" + ref.repository() : ref.repository();
        String tag = ref.tag() == null && ref.digest() == null ? "latest" : ref.tag();
        return new BaseImage(registry, repository, tag, ref.digest() == null ? null : ref.digest().toString());
    }

    /** The reference a client pulls: registry/repository:tag[@digest]. */
    public String reference() {
        return registry + "/" + repository + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }
}
