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
import dev.drydock.registry.domain.Origin;
import dev.drydock.registry.domain.Refusal;
import dev.drydock.registry.domain.Registry;
import dev.drydock.registry.domain.RegistryException;
import dev.drydock.registry.persistence.BlobLinks;
import dev.drydock.registry.persistence.Manifests;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * az acr import: a server-side copy of an image (an index with all its platforms) from another registry, verified
 * digest by digest, into tags or (manifest only) into untagged repositories.
 */
@ApplicationScoped
public class ImportService {

    private static final Logger LOG = Logger.getLogger(ImportService.class);
    /** ACR imports at most this many manifests per image. */
    static final int MAX_MANIFESTS = 50;
    private static final Origin ORIGIN = new Origin("import", null, "PUT", "drydock-import");

    /**
     * @param sourceImage    {@code repo:tag} or {@code repo@digest} within {@code registryUri}
     * @param targetTags     {@code repo:tag} to write (default: the source's repository and tag)
     * @param untaggedRepos  repositories that get the manifests without a tag
     * @param force          overwrite target tags that point elsewhere (mode Force)
     */
    public record Request(String registryUri, String sourceImage, RegistryClient.Credentials credentials,
            List<String> targetTags, List<String> untaggedRepos, boolean force) {
    }

    public record Result(String digest, String mediaType, int manifests, int blobsCopied, long bytesCopied,
            List<String> targets) {
    }

    private record Target(RepositoryName repository, String tag) {
    }

    /** A fetched manifest with what it names. */
    private record Fetched(RegistryClient.FetchedManifest raw, Manifest parsed) {
    }

    private final RegistryService registries;
    private final ManifestService manifests;
    private final Manifests manifestRows;
    private final BlobUploads uploads;
    private final BlobLinks links;
    private final Authenticator authenticator;
    private final TokenService tokens;
    private final RegistryConfig config;
    private final CacheRuleService cacheRules;

    ImportService(RegistryService registries, ManifestService manifests, Manifests manifestRows, BlobUploads uploads,
            BlobLinks links, Authenticator authenticator, TokenService tokens, RegistryConfig config,
            CacheRuleService cacheRules) {
        this.cacheRules = cacheRules;
        this.registries = registries;
        this.manifests = manifests;
        this.manifestRows = manifestRows;
        this.uploads = uploads;
        this.links = links;
        this.authenticator = authenticator;
        this.tokens = tokens;
        this.config = config;
    }

    /**
     * Imports into {@code registryName}. A source that is one of this service's own registries (by login server,
     * with or without a port) is read over this service's own address, {@code self}; without credentials it is read
     * as the administrator, who alone may call import.
     */
    public Uni<Result> importImage(String registryName, Request request, URI self) {
        if (request.registryUri() == null || request.sourceImage() == null) {
            throw Refusal.invalid("an import needs source.registryUri and source.sourceImage");
        }
        LoginServers servers = new LoginServers(self, config.domain(), config.insecureRegistries().orElse(List.of()));
        String authority = request.registryUri().replaceFirst("^[a-zA-Z]+://", "").replaceFirst("/.*$", "");
        String own = servers.registryOf(authority);
        if (own == null || request.credentials() != null) {
            return importImage(registryName, request, servers);
        }
        return registries.get(own).chain(source -> {
            String token = tokens.issue(source, authenticator.administrator(), List.of(), true).refreshToken();
            return importImage(registryName, new Request(request.registryUri(), request.sourceImage(),
                    new RegistryClient.Credentials(Authenticator.REFRESH_TOKEN_USER, token), request.targetTags(),
                    request.untaggedRepos(), request.force()), servers);
        });
    }

    private Uni<Result> importImage(String registryName, Request request, LoginServers servers) {
        RepositoryName sourceRepo;
        String sourceRef;
        RegistryClient client;
        List<Target> targets = new ArrayList<>();
        try {
            int at = request.sourceImage().indexOf('@');
            int colon = request.sourceImage().lastIndexOf(':');
            boolean byDigest = at > 0;
            int split = byDigest ? at : colon > request.sourceImage().lastIndexOf('/') ? colon : -1;
            sourceRepo = RepositoryName.of(split < 0 ? request.sourceImage() : request.sourceImage().substring(0, split));
            sourceRef = split < 0 ? "latest" : request.sourceImage().substring(split + 1);
            if (byDigest) {
                Digest.parse(sourceRef);
            } else if (!Reference.isValidTag(sourceRef)) {
                throw new IllegalArgumentException("invalid tag '" + sourceRef + "'");
            }
            client = new RegistryClient(request.registryUri(), request.credentials(), Duration.ofSeconds(30), servers);
            for (String tagged : request.targetTags() == null ? List.<String>of() : request.targetTags()) {
                int c = tagged.lastIndexOf(':');
                if (c <= tagged.lastIndexOf('/') || !Reference.isValidTag(tagged.substring(c + 1))) {
                    throw new IllegalArgumentException("target tags are repository:tag, got '" + tagged + "'");
                }
                targets.add(new Target(RepositoryName.of(tagged.substring(0, c)), tagged.substring(c + 1)));
            }
            for (String repo : request.untaggedRepos() == null ? List.<String>of() : request.untaggedRepos()) {
                targets.add(new Target(RepositoryName.of(repo), null));
            }
            if (targets.isEmpty()) {
                targets.add(new Target(sourceRepo, byDigest ? null : sourceRef));
            }
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid(e.getMessage());
        }
        String reference = sourceRef;
        return registries.get(registryName).call(registry -> Uni.join().all(targets.stream()
                        .map(t -> cacheRules.checkWritable(registry.id(), t.repository())).toList()).andFailFast()
                        .onFailure(RegistryException.class).transform(e -> new Refusal(Refusal.Kind.CONFLICT,
                                e.getMessage())))
                .chain(registry -> Blocking.run(() -> fetch(client, sourceRepo, reference))
                .chain(fetched -> checkTags(registry, targets, fetched.get(0).raw().digest().toString(), request.force())
                        .chain(() -> copy(registry, client, sourceRepo, fetched, targets))
                        .invoke(result -> LOG.infof("imported %s/%s@%s into %s as %s (%d manifests, %d blobs, %d bytes)",
                                client.base(), sourceRepo, result.digest(), registry.name(), result.targets(),
                                result.manifests(), result.blobsCopied(), result.bytesCopied()))));
    }

    /** The root manifest first, then its children (an index's platforms). */
    private List<Fetched> fetch(RegistryClient client, RepositoryName repo, String reference) {
        try {
            List<Fetched> all = new ArrayList<>();
            all.add(parse(client.manifest(repo, reference)));
            for (Descriptor child : all.get(0).parsed().manifests()) {
                if (all.size() >= MAX_MANIFESTS) {
                    throw Refusal.invalid("an image may hold at most " + MAX_MANIFESTS + " manifests to be imported");
                }
                all.add(parse(client.manifest(repo, child.digest().toString())));
            }
            return all;
        } catch (RegistryClientException e) {
            throw new Refusal(e.status() == 404 ? Refusal.Kind.NOT_FOUND : Refusal.Kind.UPSTREAM, e.getMessage());
        } catch (IOException e) {
            throw new Refusal(Refusal.Kind.UPSTREAM, "the source registry " + client.base() + " failed: " + e.getMessage());
        }
    }

    private static Fetched parse(RegistryClient.FetchedManifest raw) {
        try {
            return new Fetched(raw, Manifest.parse(raw.content(), raw.mediaType(), raw.digest().algorithm()));
        } catch (IllegalArgumentException e) {
            throw new Refusal(Refusal.Kind.UPSTREAM, "the source manifest " + raw.digest() + " is invalid: "
                    + e.getMessage());
        }
    }

    /** Without force, a target tag that points at other content stays and the import is refused. */
    private Uni<Void> checkTags(Registry registry, List<Target> targets, String digest, boolean force) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        if (force) {
            return chain;
        }
        for (Target target : targets) {
            if (target.tag() == null) {
                continue;
            }
            chain = chain.chain(() -> manifestRows.byTag(registry.id(), target.repository().value(), target.tag())
                    .invoke(existing -> {
                        if (existing != null && !existing.digest().equals(digest)) {
                            throw new Refusal(Refusal.Kind.CONFLICT, "tag " + target.repository() + ":" + target.tag()
                                    + " exists; import with mode Force to overwrite it");
                        }
                    }).replaceWithVoid());
        }
        return chain;
    }

    private Uni<Result> copy(Registry registry, RegistryClient client, RepositoryName sourceRepo,
            List<Fetched> fetched, List<Target> targets) {
        Set<Digest> blobs = new LinkedHashSet<>();
        List<Descriptor> descriptors = new ArrayList<>();
        for (Fetched f : fetched) {
            for (Descriptor blob : f.parsed().requiredBlobs()) {
                if (blobs.add(blob.digest())) {
                    descriptors.add(blob);
                }
            }
        }
        long[] copied = new long[2];
        RepositoryName first = targets.get(0).repository();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Descriptor blob : descriptors) {
            chain = chain.chain(() -> links.sizeIn(registry.id(), first.value(), blob.digest().toString())
                    .chain(size -> {
                        if (size != null) {
                            return Uni.createFrom().voidItem();
                        }
                        Callable<InputStream> source = () -> client.blob(sourceRepo, blob.digest());
                        return uploads.importBlob(registry, first, blob.digest(), blob.size(), source)
                                .invoke(() -> {
                                    copied[0]++;
                                    copied[1] += blob.size();
                                })
                                .onFailure(UncheckedIOException.class).transform(e -> new Refusal(Refusal.Kind.UPSTREAM,
                                        "copying " + blob.digest() + " failed: " + e.getCause().getMessage()))
                                .onFailure(IllegalStateException.class).transform(e -> new Refusal(
                                        Refusal.Kind.UPSTREAM, "copying " + blob.digest() + " failed: "
                                        + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage())));
                    }));
        }
        for (Target target : targets) {
            for (Descriptor blob : target.repository().equals(first) ? List.<Descriptor>of() : descriptors) {
                chain = chain.chain(() -> uploads.mount(registry.id(), target.repository(), first, blob.digest())
                        .replaceWithVoid());
            }
            // children before their index, so that the index's push finds them
            for (int i = fetched.size() - 1; i >= 0; i--) {
                Fetched f = fetched.get(i);
                Reference reference = i == 0 && target.tag() != null ? Reference.tag(target.tag())
                        : Reference.digest(f.raw().digest());
                chain = chain.chain(() -> manifests.push(registry, target.repository(), reference,
                        f.raw().mediaType(), f.raw().content(), List.of(), ORIGIN).replaceWithVoid());
            }
        }
        Fetched root = fetched.get(0);
        return chain.map(v -> new Result(root.raw().digest().toString(), root.raw().mediaType(), fetched.size(),
                (int) copied[0], copied[1], targets.stream()
                        .map(t -> t.repository() + (t.tag() == null ? "@" + root.raw().digest() : ":" + t.tag()))
                        .toList()));
    }
}
