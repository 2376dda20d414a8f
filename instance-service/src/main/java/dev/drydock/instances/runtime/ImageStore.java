package dev.drydock.instances.runtime;

import dev.drydock.oci.Descriptor;
import dev.drydock.oci.Digest;
import dev.drydock.oci.ImageReference;
import dev.drydock.oci.Manifest;
import dev.drydock.oci.RepositoryName;
import dev.drydock.oci.client.LoginServers;
import dev.drydock.oci.client.RegistryClient;
import dev.drydock.sandbox.IdMap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Images pulled from a registry and unpacked once per manifest digest into a cache: the manifest (linux/amd64 from
 * an index), the config and every layer are checked against their digests while they stream, layers are applied
 * in order by {@link LayerUnpacker}, and a cache entry appears only complete (built aside, then moved into place).
 */
public class ImageStore {

    /** An image ready to run. @param rootfs shared and read-only by convention: containers get a ContainerRoot */
    public record Image(Digest manifest, ImageConfig config, Path rootfs) {
    }

    private static final String OS = "linux";
    private static final String ARCHITECTURE = "amd64";

    private record ClientKey(String host, RegistryClient.Credentials credentials) {
    }

    private static final int MAX_CLIENTS = 256;
    private static final String CONFIG = "config.json";

    /** The image exists but cannot run here (no platform for this node, no config): pulling again cannot help. */
    public static class UnusableImageException extends IOException {
        UnusableImageException(String message) {
            super(message);
        }
    }

    private final Path cache;
    private final IdMap ids;
    private final LoginServers drydock;
    /** Clients are kept per registry and credentials: their tokens then serve the next pull too. */
    private final Map<ClientKey, RegistryClient> clients = new ConcurrentHashMap<>();

    public ImageStore(Path cache) {
        this(cache, IdMap.NONE, null);
    }

    /**
     * A cache of images unpacked for containers whose ids map by {@code ids} (each map has its own entries).
     *
     * @param drydock where Drydock's registries are, pulled from without DNS; null for none
     */
    public ImageStore(Path cache, IdMap ids, LoginServers drydock) {
        this.cache = ids.maps() ? cache.resolve(ids.key()) : cache;
        this.ids = ids;
        this.drydock = drydock;
    }

    /** Pulls {@code reference} (host/repository:tag or @digest) unless its manifest is cached already. */
    public Image pull(String reference, RegistryClient.Credentials credentials) throws IOException {
        ImageReference ref = ImageReference.parse(reference);
        if (ref.host() == null) {
            throw new IllegalArgumentException("'" + reference + "' names no registry (host/repository:tag)");
        }
        if (clients.size() > MAX_CLIENTS) {
            clients.clear();
        }
        RegistryClient client = clients.computeIfAbsent(new ClientKey(ref.host(), credentials),
                key -> new RegistryClient(key.host(), key.credentials(), Duration.ofSeconds(30), drydock));
        RepositoryName repository = RepositoryName.of(ref.repository());
        RegistryClient.FetchedManifest fetched = client.manifest(repository,
                ref.digest() != null ? ref.digest().toString() : ref.tag() == null ? "latest" : ref.tag());
        Manifest manifest = Manifest.parse(fetched.content(), fetched.mediaType());
        Digest digest = fetched.digest();
        if (manifest.isIndex()) {
            Descriptor chosen = manifest.manifests().stream()
                    .filter(d -> d.platform() != null && OS.equals(d.platform().os())
                            && ARCHITECTURE.equals(d.platform().architecture()))
                    .findFirst().orElseThrow(() -> new UnusableImageException(reference + " has no " + OS + "/"
                            + ARCHITECTURE + " image"));
            fetched = client.manifest(repository, chosen.digest().toString());
            manifest = Manifest.parse(fetched.content(), fetched.mediaType());
            digest = fetched.digest();
        }
        if (manifest.config() == null) {
            throw new UnusableImageException(reference + " is not a runnable image (no config)");
        }
        Path entry = cache.resolve(digest.algorithm().id() + "-" + digest.hex());
        if (Files.isDirectory(entry.resolve("rootfs"))) {
            // the entry's config was checked against its digest when the entry was made
            return new Image(digest, ImageConfig.parse(Files.readAllBytes(entry.resolve(CONFIG))),
                    entry.resolve("rootfs"));
        }
        byte[] configBlob = verified(client, repository, manifest.config());
        ImageConfig config = ImageConfig.parse(configBlob);
        Files.createDirectories(cache);
        Path partial = Files.createTempDirectory(cache, ".pull-");
        try {
            Files.write(partial.resolve(CONFIG), configBlob);
            Path rootfs = Files.createDirectories(partial.resolve("rootfs"));
            for (Descriptor layer : manifest.layers()) {
                try (DigestInputStream in = new DigestInputStream(client.blob(repository, layer.digest()),
                        layer.digest().algorithm().newMessageDigest())) {
                    LayerUnpacker.apply(in, rootfs, ids);
                    check(layer, in.getMessageDigest());
                }
            }
            LayerUnpacker.claimImplicit(rootfs, ids);
            Files.move(partial, entry, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            Directories.delete(partial);
            if (Files.isDirectory(entry.resolve("rootfs"))) {
                // another pull of the same image finished first
                return new Image(digest, config, entry.resolve("rootfs"));
            }
            throw e;
        }
        return new Image(digest, config, entry.resolve("rootfs"));
    }

    private static byte[] verified(RegistryClient client, RepositoryName repository, Descriptor descriptor)
            throws IOException {
        try (DigestInputStream in = new DigestInputStream(client.blob(repository, descriptor.digest()),
                descriptor.digest().algorithm().newMessageDigest())) {
            byte[] bytes = in.readNBytes(16 * 1024 * 1024);
            check(descriptor, in.getMessageDigest());
            return bytes;
        }
    }

    private static void check(Descriptor descriptor, MessageDigest computed) throws IOException {
        Digest actual = Digest.of(descriptor.digest().algorithm(), computed);
        if (!actual.equals(descriptor.digest())) {
            throw new IOException("blob " + descriptor.digest() + " arrived with digest " + actual
                    + "; the image is refused");
        }
    }


}
