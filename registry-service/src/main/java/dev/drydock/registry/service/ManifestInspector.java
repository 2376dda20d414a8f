package dev.drydock.registry.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drydock.oci.Descriptor;
import dev.drydock.oci.Digest;
import dev.drydock.oci.ImageReference;
import dev.drydock.oci.Manifest;
import dev.drydock.registry.domain.ManifestFacts;
import dev.drydock.registry.persistence.Registries;
import dev.drydock.registry.storage.BlobStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** Works out a manifest's list-metadata facts at push: platform, config media type, size, base image. */
@ApplicationScoped
public class ManifestInspector {

    private static final Logger LOG = Logger.getLogger(ManifestInspector.class);
    static final String BASE_NAME = "org.opencontainers.image.base.name";
    static final String BASE_DIGEST = "org.opencontainers.image.base.digest";
    private static final Set<String> IMAGE_CONFIGS = Set.of("application/vnd.oci.image.config.v1+json",
            "application/vnd.docker.container.image.v1+json");
    /** An image config is a few KiB; anything this large is not one worth reading at push time. */
    private static final long MAX_CONFIG_BYTES = 1 << 20;

    private final BlobStore store;
    private final Registries registries;
    private final RegistryResolver resolver;
    private final ObjectMapper json;

    ManifestInspector(BlobStore store, Registries registries, RegistryResolver resolver, ObjectMapper json) {
        this.store = store;
        this.registries = registries;
        this.resolver = resolver;
        this.json = json;
    }

    public Uni<ManifestFacts> facts(Manifest manifest, long contentLength) {
        long size = contentLength;
        for (Descriptor blob : manifest.requiredBlobs()) {
            size += blob.size();
        }
        for (Descriptor child : manifest.manifests()) {
            size += child.size();
        }
        long imageSize = size;
        String configMediaType = manifest.config() == null ? null : manifest.config().mediaType();
        Uni<JsonNode> config = manifest.config() != null && IMAGE_CONFIGS.contains(configMediaType)
                && manifest.config().size() <= MAX_CONFIG_BYTES
                ? readConfig(manifest.config().digest()) : Uni.createFrom().nullItem();
        return config.chain(cfg -> base(manifest).map(base -> new ManifestFacts(
                text(cfg, "architecture"), text(cfg, "os"), configMediaType, imageSize, base)));
    }

    /** The config blob's JSON; null when it is not stored (the push then fails its completeness check). */
    private Uni<JsonNode> readConfig(Digest digest) {
        return Blocking.run(() -> {
            Path file = store.blobFile(digest);
            try {
                return json.readTree(Files.readAllBytes(file));
            } catch (java.nio.file.NoSuchFileException e) {
                return null;
            } catch (IOException e) {
                LOG.debugf("config %s is not readable JSON: %s", digest, e.getMessage());
                return null;
            }
        });
    }

    private Uni<ManifestFacts.Base> base(Manifest manifest) {
        String name = manifest.annotations().get(BASE_NAME);
        // buildah writes the annotation empty for FROM scratch
        if (name == null || name.isBlank()) {
            return Uni.createFrom().nullItem();
        }
        String digest = manifest.annotations().get(BASE_DIGEST);
        ImageReference ref;
        try {
            ref = ImageReference.parse(name);
        } catch (IllegalArgumentException e) {
            LOG.debugf("base image name '%s' is not a reference; kept without lineage", name);
            return Uni.createFrom().item(new ManifestFacts.Base(name, digest, null, null, null));
        }
        String tag = ref.tag() == null && ref.digest() == null ? "latest" : ref.tag();
        String registryName = registryOf(ref);
        if (registryName == null || tag == null) {
            return Uni.createFrom().item(new ManifestFacts.Base(name, digest, null, null, null));
        }
        return registries.find(registryName, resolver.domain()).map(found -> new ManifestFacts.Base(name, digest,
                found == null ? null : found.id(), ref.repository(), tag));
    }

    /** The Drydock registry an image reference's host names, or null for another registry. */
    private String registryOf(ImageReference ref) {
        return ref.host() == null ? null : resolver.registryNamed(ref.host());
    }

    private static String text(JsonNode node, String field) {
        return node == null || !node.path(field).isTextual() ? null : node.path(field).asText();
    }
}
