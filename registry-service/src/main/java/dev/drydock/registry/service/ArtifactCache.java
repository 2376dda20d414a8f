package dev.drydock.registry.service;

import dev.drydock.oci.Digest;
import dev.drydock.oci.Manifest;
import dev.drydock.oci.Reference;
import dev.drydock.oci.RepositoryName;
import dev.drydock.oci.client.LoginServers;
import dev.drydock.oci.client.RegistryClient;
import dev.drydock.oci.client.RegistryClientException;
import dev.drydock.registry.config.RegistryConfig;
import dev.drydock.registry.domain.CacheRule;
import dev.drydock.registry.domain.CredentialSet;
import dev.drydock.registry.domain.ErrorCode;
import dev.drydock.registry.domain.Origin;
import dev.drydock.registry.domain.Refusal;
import dev.drydock.registry.domain.Registry;
import dev.drydock.registry.domain.RegistryException;
import dev.drydock.registry.domain.StoredManifest;
import dev.drydock.registry.persistence.BlobLinks;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The artifact cache's pull path. A pull from a repository a cache rule covers that misses is filled from the
 * upstream: a manifest is fetched, verified and stored as if pushed (the cache is the actor of its image.pushed); a
 * blob streams to its clients while it is stored, fetched once however many ask. A cached tag pulled after the
 * freshness interval is checked upstream with a HEAD, so a moved tag moves here too; an upstream that cannot answer
 * leaves the cached content served, marked stale.
 */
@ApplicationScoped
public class ArtifactCache {

    private static final Logger LOG = Logger.getLogger(ArtifactCache.class);
    /** How a response from a cache target was served: hit, miss (filled from upstream now) or stale. */
    public static final String STATUS_HEADER = "X-Drydock-Cache";
    /** How many Drydock caches a request passed; fills stop after {@link #MAX_HOPS}, so rules cannot loop. */
    public static final String HOPS_HEADER = "X-Drydock-Cache-Hops";
    public static final int MAX_HOPS = 2;
    public static final String HIT = "hit";
    public static final String MISS = "miss";
    public static final String STALE = "stale";
    /** Blobs fetched at once by this replica; more is 429, as each holds a worker thread and a connection. */
    private static final int MAX_FILLS = 64;
    private static final Duration COMMIT_TIMEOUT = Duration.ofMinutes(2);

    /** Who asks: where this service is reached (to call its own registries) and how many caches the request passed. */
    public record Caller(URI service, int hops) {
    }

    /** A manifest from a cache target and how it was served ({@link #HIT}, {@link #MISS}, {@link #STALE}). */
    public record Served(StoredManifest manifest, String status) {
    }

    private final CacheRuleService rules;
    private final CredentialSetService credentialSets;
    private final ManifestService manifests;
    private final BlobUploads uploads;
    private final BlobLinks links;
    private final RegistryConfig config;
    private final Map<String, BlobFill> fills = new ConcurrentHashMap<>();
    /** When each cached tag was last found current upstream, least recently checked first. */
    private final Map<String, Long> checked;

    ArtifactCache(CacheRuleService rules, CredentialSetService credentialSets, ManifestService manifests,
            BlobUploads uploads, BlobLinks links, RegistryConfig config) {
        this.rules = rules;
        this.credentialSets = credentialSets;
        this.manifests = manifests;
        this.uploads = uploads;
        this.links = links;
        this.config = config;
        int entries = config.cache().freshnessEntries();
        this.checked = java.util.Collections.synchronizedMap(new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > entries;
            }
        });
    }

    /** The manifest, filled from upstream when a rule covers the repository; status null when none does. */
    public Uni<Served> manifest(Registry registry, RepositoryName name, Reference reference, Caller caller) {
        return rules.covering(registry.id(), name.value()).chain(match -> {
            Uni<Served> local = manifests.get(registry.id(), name, reference)
                    .map(m -> new Served(m, match == null ? null : HIT));
            if (match == null || caller.hops() >= MAX_HOPS) {
                return local;
            }
            return local.onFailure(e -> missing(e, ErrorCode.MANIFEST_UNKNOWN)).recoverWithUni(e ->
                            fetchManifest(registry, name, reference, match, caller).map(m -> new Served(m, MISS)))
                    .chain(served -> served.status().equals(HIT) && !reference.isDigest()
                            && !fresh(registry, name, reference.tag())
                            ? revalidate(registry, name, reference.tag(), served, match, caller)
                            : Uni.createFrom().item(served));
        });
    }

    /**
     * A fill of a blob the repository lacks, already claimed for the caller (who releases it by sending it); null
     * when no rule covers the repository.
     */
    public Uni<BlobFill> blob(Registry registry, RepositoryName name, Digest digest, Caller caller) {
        return rules.covering(registry.id(), name.value()).chain(match -> {
            if (match == null || caller.hops() >= MAX_HOPS) {
                return Uni.createFrom().nullItem();
            }
            String key = registry.id() + "/" + name + "@" + digest;
            BlobFill running = fills.get(key);
            if (running != null && running.acquire()) {
                return Uni.createFrom().item(running);
            }
            return client(registry, match, caller).map(client -> start(key, registry, name, digest, match, client));
        });
    }

    private static boolean missing(Throwable e, ErrorCode code) {
        return e instanceof RegistryException r && (r.code() == code || r.code() == ErrorCode.NAME_UNKNOWN);
    }

    private BlobFill start(String key, Registry registry, RepositoryName name, Digest digest,
            CacheRuleService.Match match, RegistryClient client) {
        synchronized (fills) {
            BlobFill running = fills.get(key);
            if (running != null && running.acquire()) {
                return running;
            }
            if (fills.size() >= MAX_FILLS) {
                throw new RegistryException(ErrorCode.TOOMANYREQUESTS, "this replica fetches " + MAX_FILLS
                        + " blobs from upstream registries already; try again shortly", null,
                        Map.of("Retry-After", "5"));
            }
            UUID id = UUID.randomUUID();
            BlobFill fill;
            try {
                fill = new BlobFill(digest, uploads.uploadFile(id), config.cache().idleTimeout(),
                        e -> answer(match, e, ErrorCode.BLOB_UNKNOWN));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start an upload file for " + digest, e);
            }
            fill.acquire();
            fills.put(key, fill);
            long started = System.nanoTime();
            RepositoryName upstreamRepository = RepositoryName.of(match.upstreamRepository());
            fill.whenStored((stored, failure) -> {
                fills.remove(key, fill);
                if (failure == null) {
                    LOG.infof("cached blob %s in %s/%s from %s/%s in %d ms", digest, registry.name(), name,
                            match.rule().sourceHost(), upstreamRepository,
                            (System.nanoTime() - started) / 1_000_000);
                    return;
                }
                uploads.discardFile(id).subscribe().with(v -> { }, e -> LOG.debugf("discarding %s: %s", id, e));
                recordFailure(registry, match, failure);
            });
            Infrastructure.getDefaultWorkerPool().execute(() -> fill.fetch(
                    () -> client.blobStream(upstreamRepository, digest),
                    size -> uploads.commitVerified(registry, name, id, digest, size), COMMIT_TIMEOUT));
            return fill;
        }
    }

    private Uni<StoredManifest> fetchManifest(Registry registry, RepositoryName name, Reference reference,
            CacheRuleService.Match match, Caller caller) {
        RepositoryName upstream = RepositoryName.of(match.upstreamRepository());
        return client(registry, match, caller)
                .chain(client -> upstreamCall(registry, match, () -> client.manifest(upstream, reference.toString())))
                .chain(fetched -> {
                    Manifest parsed;
                    try {
                        parsed = Manifest.parse(fetched.content(), fetched.mediaType(), fetched.digest().algorithm());
                    } catch (IllegalArgumentException e) {
                        throw new RegistryException(ErrorCode.UNAVAILABLE, "the upstream manifest " + upstream + ":"
                                + reference + " is invalid: " + e.getMessage(), null, Map.of("Retry-After", "60"));
                    }
                    // the config is read when the manifest is stored (list-metadata's platform), so it comes first
                    Uni<Void> config = parsed.config() == null ? Uni.createFrom().voidItem()
                            : ensureBlob(registry, name, parsed.config().digest(), caller);
                    return config.chain(() -> manifests.pushFromUpstream(registry, name, reference,
                                    fetched.mediaType(), fetched.content(), origin(registry, match)))
                            .invoke(() -> {
                                reference.tagName().ifPresent(tag -> markFresh(registry, name, tag));
                                LOG.infof("cached manifest %s/%s:%s (%s) from %s/%s", registry.name(), name,
                                        reference, fetched.digest(), match.rule().sourceHost(), upstream);
                            })
                            .chain(() -> manifests.get(registry.id(), name, Reference.digest(fetched.digest())));
                });
    }

    /** Stores a blob the repository lacks (a manifest's config), waiting for it. */
    private Uni<Void> ensureBlob(Registry registry, RepositoryName name, Digest digest, Caller caller) {
        return links.sizeIn(registry.id(), name.value(), digest.toString()).chain(size -> size != null
                ? Uni.createFrom().voidItem()
                : blob(registry, name, digest, caller).chain(fill -> fill.stored().eventually(fill::release)));
    }

    /** Asks upstream where the tag points now; moves it here when it moved there, else serves stale. */
    private Uni<Served> revalidate(Registry registry, RepositoryName name, String tag, Served served,
            CacheRuleService.Match match, Caller caller) {
        RepositoryName upstream = RepositoryName.of(match.upstreamRepository());
        return client(registry, match, caller)
                .chain(client -> upstreamCall(registry, match, () -> client.manifestDigest(upstream, tag)))
                .chain(digest -> {
                    if (digest.toString().equals(served.manifest().digest())) {
                        markFresh(registry, name, tag);
                        return Uni.createFrom().item(served);
                    }
                    LOG.infof("upstream tag %s/%s:%s moved to %s; refreshing %s/%s", match.rule().sourceHost(),
                            upstream, tag, digest, registry.name(), name);
                    return fetchManifest(registry, name, Reference.tag(tag), match, caller)
                            .map(m -> new Served(m, MISS));
                })
                .onFailure().recoverWithItem(e -> {
                    // stale is better than down; the next check waits for the next interval
                    markFresh(registry, name, tag);
                    LOG.warnf("serving %s/%s:%s stale: %s", registry.name(), name, tag, e.getMessage());
                    return new Served(served.manifest(), STALE);
                });
    }

    /** Runs a blocking upstream call, recording the credential set's health and turning failures into answers. */
    private <T> Uni<T> upstreamCall(Registry registry, CacheRuleService.Match match, UpstreamCall<T> call) {
        return Blocking.run(() -> {
            try {
                return call.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).call(() -> match.rule().credentialSet() == null ? Uni.createFrom().voidItem()
                : credentialSets.recordHealth(registry.id(), match.rule().credentialSet(), CredentialSet.HEALTHY))
                .onFailure().call(e -> recordHealth(registry, match, e))
                .onFailure().transform(e -> answer(match, e, ErrorCode.MANIFEST_UNKNOWN));
    }

    @FunctionalInterface
    private interface UpstreamCall<T> {
        T run() throws IOException;
    }

    private void recordFailure(Registry registry, CacheRuleService.Match match, Throwable failure) {
        LOG.warnf("a fill from %s failed: %s", match.rule().sourceHost(), failure.getMessage());
        recordHealth(registry, match, failure).subscribe().with(v -> { }, e -> { });
    }

    /** A refusal of the credentials marks the set Unhealthy with the upstream's words. */
    private Uni<Void> recordHealth(Registry registry, CacheRuleService.Match match, Throwable e) {
        String set = match.rule().credentialSet();
        Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
        if (set == null || !(cause instanceof RegistryClientException r) || r.status() != 401 && r.status() != 403) {
            return Uni.createFrom().voidItem();
        }
        LOG.warnf("credential set %s/%s is unhealthy: %s", registry.name(), set, r.getMessage());
        return credentialSets.recordHealth(registry.id(), set, new CredentialSet.Health("Unhealthy",
                r.status() == 401 ? "Unauthorized" : "Forbidden", r.getMessage()));
    }

    /** What the client is told when the upstream fails it. */
    private static Throwable answer(CacheRuleService.Match match, Throwable e, ErrorCode unknown) {
        Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
        String upstream = match.rule().sourceHost();
        if (cause instanceof RegistryException || cause instanceof Refusal) {
            return cause;
        }
        if (cause instanceof RegistryClientException r) {
            return switch (r.status()) {
                case 404 -> new RegistryException(unknown, "the upstream " + upstream + " has no "
                        + match.upstreamRepository() + " content of that name: " + r.getMessage());
                case 401, 403 -> new RegistryException(ErrorCode.DENIED, "the upstream " + upstream + " refused "
                        + (match.rule().credentialSet() == null ? "an anonymous pull"
                        : "credential set " + match.rule().credentialSet()) + ": " + r.getMessage());
                case 429 -> new RegistryException(ErrorCode.TOOMANYREQUESTS, "the upstream " + upstream
                        + " throttles pulls: " + r.getMessage(), null, Map.of("Retry-After", "30"));
                default -> unavailable(upstream, r.getMessage());
            };
        }
        return unavailable(upstream, cause.getMessage() != null ? cause.getMessage()
                : cause.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT));
    }

    private static RegistryException unavailable(String upstream, String why) {
        return new RegistryException(ErrorCode.UNAVAILABLE, "the upstream " + upstream + " cannot be reached: " + why,
                null, Map.of("Retry-After", "30"));
    }

    private Uni<RegistryClient> client(Registry registry, CacheRuleService.Match match, Caller caller) {
        CacheRule rule = match.rule();
        Uni<RegistryClient.Credentials> credentials = rule.credentialSet() == null ? Uni.createFrom().nullItem()
                : credentialSets.credentials(registry.id(), rule.credentialSet());
        RegistryConfig.Cache cache = config.cache();
        LoginServers servers = new LoginServers(caller.service(), config.domain(),
                config.insecureRegistries().orElse(List.of()));
        String host = rule.sourceHost();
        return credentials.chain(login -> Blocking.run(() -> {
            if (!servers.names(host)) {
                UpstreamHosts.check(host, cache.localUpstreams().orElse(List.of()));
            }
            // Docker Hub's registry API answers at registry-1.docker.io, not at the name images carry
            return new RegistryClient(host.equals(CacheRule.DOCKER_HUB) ? "registry-1.docker.io" : host, login,
                    cache.connectTimeout(), cache.responseTimeout(), servers,
                    Map.of(HOPS_HEADER, String.valueOf(caller.hops() + 1)));
        })).onFailure(Refusal.class).transform(e -> new RegistryException(ErrorCode.DENIED, e.getMessage()));
    }

    private static Origin origin(Registry registry, CacheRuleService.Match match) {
        return new Origin("cache:" + match.rule().name(), registry.loginServer(), "GET", "drydock-cache");
    }

    private boolean fresh(Registry registry, RepositoryName name, String tag) {
        Long at = checked.get(registry.id() + "/" + name + ":" + tag);
        return at != null && System.nanoTime() - at < config.cache().freshness().toNanos();
    }

    private void markFresh(Registry registry, RepositoryName name, String tag) {
        String key = registry.id() + "/" + name + ":" + tag;
        // removed first, so that the entry moves to the end and the least recently checked go when it is full
        checked.remove(key);
        checked.put(key, System.nanoTime());
    }
}
