package dev.drydock.registry.service;

import dev.drydock.oci.Descriptor;
import dev.drydock.oci.Digest;
import dev.drydock.oci.Manifest;
import dev.drydock.oci.Reference;
import dev.drydock.oci.RepositoryName;
import dev.drydock.oci.client.LoginServers;
import dev.drydock.oci.client.RegistryClient;
import dev.drydock.oci.client.RegistryClientException;
import dev.drydock.registry.config.RegistryConfig;
import dev.drydock.registry.domain.Registry;
import dev.drydock.registry.domain.ReplicationTask;
import dev.drydock.registry.persistence.BlobLinks;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Copies one pushed manifest from a peer site over the OCI API, as the replication identity: the manifest and an
 * index's children by digest (each verified), then the blobs this repository lacks (mounted from another repository
 * of the registry when one has them, else streamed and verified), then the manifests, children first.
 */
@ApplicationScoped
public class ReplicaCopy {

    /** As import: an image of more manifests than this is not an image. */
    private static final int MAX_MANIFESTS = 50;
    private static final int CLIENTS = 64;

    /** What the copy moved, for the log. */
    public record Copied(int manifests, int blobsCopied, int blobsMounted, long bytes, boolean gone) {
    }

    private record Fetched(RegistryClient.FetchedManifest raw, Manifest parsed) {
    }

    private final ManifestService manifests;
    private final BlobUploads uploads;
    private final BlobLinks links;
    private final Sites sites;
    private final RegistryConfig config;
    /** A client per peer and registry keeps its tokens; the least recently used goes first. */
    private final Map<String, RegistryClient> clients = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RegistryClient> eldest) {
            return size() > CLIENTS;
        }
    };

    ReplicaCopy(ManifestService manifests, BlobUploads uploads, BlobLinks links, Sites sites, RegistryConfig config) {
        this.manifests = manifests;
        this.uploads = uploads;
        this.links = links;
        this.sites = sites;
        this.config = config;
    }

    /** The peer's copy of the registry, reached at the peer's address with the registry's login server as Host. */
    public synchronized RegistryClient client(String peer, String registry) {
        return clients.computeIfAbsent(peer + "\0" + registry, key -> {
            URI url = sites.peer(peer).orElseThrow(() -> new IllegalStateException("site " + peer
                    + " is not among drydock.registry.site.peers"));
            LoginServers servers = new LoginServers(url, config.domain(), List.of());
            return new RegistryClient(servers.of(registry), new RegistryClient.Credentials(
                    RegistryConfig.Auth.REPLICATOR, sites.secret()), config.site().connectTimeout(),
                    config.site().responseTimeout(), servers, Map.of());
        });
    }

    public Uni<Copied> push(Registry registry, ReplicationTask task) {
        RegistryClient client = client(task.peer(), registry.name());
        RepositoryName repository = RepositoryName.of(task.repository());
        return Blocking.run(() -> {
            try {
                return fetch(client, repository, Digest.parse(task.digest()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).chain(fetched -> {
            if (fetched.isEmpty()) {
                // deleted on the peer since: its deletion event follows this one
                return Uni.createFrom().item(new Copied(0, 0, 0, 0, true));
            }
            return copyBlobs(registry, client, repository, fetched)
                    .chain(counts -> pushAll(registry, repository, fetched, task).replaceWith(new Copied(
                            fetched.size(), (int) counts[0], (int) counts[1], counts[2], false)));
        });
    }

    /** The root and an index's children; empty when the peer no longer has the root. */
    private static List<Fetched> fetch(RegistryClient client, RepositoryName repository, Digest digest)
            throws IOException {
        List<Fetched> all = new ArrayList<>();
        try {
            all.add(fetchOne(client, repository, digest));
        } catch (RegistryClientException e) {
            if (e.status() == 404) {
                return List.of();
            }
            throw e;
        }
        for (Descriptor child : all.get(0).parsed().manifests()) {
            if (all.size() >= MAX_MANIFESTS) {
                throw new IllegalStateException(repository + "@" + digest + " holds more than " + MAX_MANIFESTS
                        + " manifests");
            }
            all.add(fetchOne(client, repository, child.digest()));
        }
        return all;
    }

    private static Fetched fetchOne(RegistryClient client, RepositoryName repository, Digest digest)
            throws IOException {
        RegistryClient.FetchedManifest raw = client.manifest(repository, digest.toString());
        if (!raw.digest().equals(digest)) {
            throw new IllegalStateException("the peer sent " + raw.digest() + " for " + digest);
        }
        return new Fetched(raw, Manifest.parse(raw.content(), raw.mediaType(), digest.algorithm()));
    }

    /** @return blobs copied, blobs mounted, bytes copied */
    private Uni<long[]> copyBlobs(Registry registry, RegistryClient client, RepositoryName repository,
            List<Fetched> fetched) {
        Set<Descriptor> blobs = new LinkedHashSet<>();
        fetched.forEach(f -> blobs.addAll(f.parsed().requiredBlobs()));
        long[] counts = new long[3];
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Descriptor blob : blobs) {
            String digest = blob.digest().toString();
            chain = chain.chain(() -> links.sizeIn(registry.id(), repository.value(), digest).chain(size -> size != null
                    ? Uni.createFrom().voidItem()
                    : links.repositoryWith(registry.id(), digest).chain(from -> from != null
                    ? uploads.mount(registry.id(), repository, RepositoryName.of(from), blob.digest())
                            .invoke(() -> counts[1]++).replaceWithVoid()
                    : uploads.importBlob(registry, repository, blob.digest(), blob.size(),
                                    () -> client.blob(repository, blob.digest()))
                            .invoke(() -> {
                                counts[0]++;
                                counts[2] += blob.size();
                            }))));
        }
        return chain.replaceWith(counts);
    }

    /** Children by digest first, so that the root's push finds them; the root by its tag when the event had one. */
    private Uni<Void> pushAll(Registry registry, RepositoryName repository, List<Fetched> fetched,
            ReplicationTask task) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int i = fetched.size() - 1; i >= 0; i--) {
            Fetched f = fetched.get(i);
            Reference reference = i == 0 && task.tag() != null ? Reference.tag(task.tag())
                    : Reference.digest(f.raw().digest());
            chain = chain.chain(() -> manifests.pushReplicated(registry, repository, reference, f.raw().mediaType(),
                    f.raw().content(), task.change(), task.peer()).replaceWithVoid());
        }
        return chain;
    }
}
