package dev.drydock.registry.service;

import dev.drydock.oci.Digest;
import dev.drydock.oci.Reference;
import dev.drydock.oci.RepositoryName;
import dev.drydock.registry.config.RegistryConfig;
import dev.drydock.registry.domain.Origin;
import dev.drydock.registry.domain.RegistryException;
import dev.drydock.registry.persistence.BlobLocks;
import dev.drydock.registry.persistence.DeletedContent;
import dev.drydock.registry.persistence.Garbage;
import dev.drydock.registry.persistence.Registries;
import dev.drydock.registry.persistence.SigningKeys;
import dev.drydock.registry.storage.BlobStore;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Online garbage collection, while pushes go on: untagged manifests whose retention ran out, links no manifest
 * references, blobs no repository links, files no row knows (a single-request upload killed midway), and
 * repositories with nothing left. Everything unreferenced is kept for a grace period, and every deletion re-checks
 * its condition under the lock writers take (row locks for links, the digest's advisory lock for blobs).
 */
@ApplicationScoped
public class GarbageCollector {

    private static final Logger LOG = Logger.getLogger(GarbageCollector.class);
    private static final Origin ORIGIN = new Origin("retention-policy", null, "DELETE", "drydock-gc");

    /** What one collection removed. */
    public record Collected(int manifestsExpired, int softDeletedExpired, int linksRemoved, int blobsDeleted,
            long bytesFreed, int orphanFilesDeleted, int repositoriesRemoved) {
    }

    private final Pool pool;
    private final Garbage garbage;
    private final BlobStore store;
    private final Registries registries;
    private final ManifestService manifests;
    private final RegistryResolver resolver;
    private final RegistryConfig.Gc config;
    private final Duration deliveryLog;
    private final SigningKeys signingKeys;
    private final DeletedContent deleted;
    private final Duration keyLifetime;
    private final AtomicBoolean running = new AtomicBoolean();

    GarbageCollector(Pool pool, Garbage garbage, BlobStore store, Registries registries, ManifestService manifests,
            RegistryResolver resolver, RegistryConfig config, SigningKeys signingKeys, DeletedContent deleted) {
        this.signingKeys = signingKeys;
        this.deleted = deleted;
        this.keyLifetime = config.auth().refreshTokenLifetime().plus(config.auth().accessTokenLifetime());
        this.pool = pool;
        this.garbage = garbage;
        this.store = store;
        this.registries = registries;
        this.manifests = manifests;
        this.resolver = resolver;
        this.config = config.gc();
        this.deliveryLog = config.webhooks().logRetention();
    }

    @Scheduled(every = "${drydock.registry.gc.interval:10m}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> scheduled() {
        if (!config.enabled()) {
            return Uni.createFrom().voidItem();
        }
        return collect(config.grace()).onFailure().invoke(e -> LOG.warnf("garbage collection failed: %s",
                e.getMessage())).onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Runs one collection now; a second one asked for while one runs is refused rather than queued. */
    public Uni<Collected> collect(Duration grace) {
        if (!running.compareAndSet(false, true)) {
            return Uni.createFrom().failure(new IllegalStateException("a garbage collection is running already"));
        }
        long started = System.nanoTime();
        // soft-deleted content past its days goes first, so that its blobs are unlinked in the same collection
        return expireRetained().chain(expired -> deleted.expire().chain(softExpired -> unlinkAll(grace, 0)
                        .chain(links -> deleteBlobs(grace, 0, 0, 0)
                        .chain(blobs -> orphanFiles(grace).call(() -> garbage.deleteOldDeliveries(deliveryLog))
                                // a retired key verifies until every token it signed has expired
                                .call(() -> signingKeys.removeRetiredBefore(Instant.now().minus(keyLifetime)))
                                .chain(orphans -> garbage.deleteEmptyRepositories(grace)
                                .map(repos -> new Collected(expired, softExpired, links, (int) blobs[0],
                                        blobs[1], orphans, repos)))))))
                .invoke(c -> {
                    if (c.manifestsExpired() + c.softDeletedExpired() + c.linksRemoved() + c.blobsDeleted()
                            + c.orphanFilesDeleted() + c.repositoriesRemoved() > 0) {
                        LOG.infof("garbage collection: %d manifests expired, %d soft-deleted manifests and tags "
                                        + "expired, %d links, %d blobs (%d bytes), %d orphan files, %d empty "
                                        + "repositories removed in %d ms",
                                c.manifestsExpired(), c.softDeletedExpired(), c.linksRemoved(), c.blobsDeleted(),
                                c.bytesFreed(),
                                c.orphanFilesDeleted(), c.repositoriesRemoved(),
                                (System.nanoTime() - started) / 1_000_000);
                    }
                })
                .eventually(() -> running.set(false));
    }

    /** Retention: untagged Docker manifests past their registry's days go through the normal delete. */
    private Uni<Integer> expireRetained() {
        return garbage.expiredUntagged(config.batchSize()).chain(expired -> {
            Uni<Integer> chain = Uni.createFrom().item(0);
            for (Garbage.Expired e : expired) {
                chain = chain.chain(count -> registries.findById(e.registryId(), resolver.domain())
                        .chain(registry -> registry == null ? Uni.createFrom().item(count)
                                : manifests.delete(registry, RepositoryName.of(e.repository()),
                                                Reference.digest(Digest.parse(e.digest())), ORIGIN)
                                        .replaceWith(count + 1)
                                        // locked or deleted meanwhile: its turn may come again
                                        .onFailure(RegistryException.class).recoverWithItem(count)));
            }
            return chain;
        });
    }

    private Uni<Integer> unlinkAll(Duration grace, int sofar) {
        return garbage.unlinkUnreferenced(grace, config.batchSize()).chain(n -> n < config.batchSize()
                ? Uni.createFrom().item(sofar + n) : unlinkAll(grace, sofar + n));
    }

    /** @return {blobs deleted, bytes freed} */
    private Uni<long[]> deleteBlobs(Duration grace, long count, long bytes, int round) {
        return garbage.unlinkedBlobs(grace, config.batchSize()).chain(digests -> {
            Uni<long[]> chain = Uni.createFrom().item(new long[] {count, bytes});
            for (String digest : digests) {
                chain = chain.chain(totals -> deleteBlob(digest).map(size -> size == null ? totals
                        : new long[] {totals[0] + 1, totals[1] + size}));
            }
            // a full batch may have more behind it; a batch where nothing could go ends the round
            return chain.chain(totals -> digests.size() == config.batchSize() && totals[0] > count && round < 1000
                    ? deleteBlobs(grace, totals[0], totals[1], round + 1) : Uni.createFrom().item(totals));
        });
    }

    /** Deletes the blob's row and file under its exclusive lock, so no upload of it can commit in between. */
    private Uni<Long> deleteBlob(String digest) {
        return pool.withTransaction(tx -> BlobLocks.exclusive(tx, digest)
                .chain(() -> garbage.deleteBlobRow(tx, digest))
                .call(size -> size == null ? Uni.createFrom().voidItem()
                        : Blocking.run(() -> {
                            store.delete(Digest.parse(digest));
                            return digest;
                        }).replaceWithVoid()));
    }

    /** Files no row knows, older than the grace: blobs whose row went (a crash after commit) and dead uploads. */
    private Uni<Integer> orphanFiles(Duration grace) {
        Instant cutoff = Instant.now().minus(grace);
        return Blocking.run(() -> store.blobsOlderThan(cutoff)).chain(files -> {
            Uni<Integer> chain = Uni.createFrom().item(0);
            for (List<Digest> batch : batches(files)) {
                List<String> digests = batch.stream().map(Digest::toString).toList();
                chain = chain.chain(n -> pool.withConnection(c -> garbage.known(c, digests)).chain(known -> {
                    Uni<Integer> inner = Uni.createFrom().item(n);
                    for (Digest d : batch) {
                        if (!known.contains(d.toString())) {
                            inner = inner.chain(m -> deleteOrphanFile(d).map(deleted -> deleted ? m + 1 : m));
                        }
                    }
                    return inner;
                }));
            }
            return chain;
        }).chain(blobs -> Blocking.run(() -> store.uploadsOlderThan(cutoff)).chain(uploads -> uploads.isEmpty()
                ? Uni.createFrom().item(blobs)
                : garbage.activeUploads(uploads).chain(active -> Blocking.run(() -> {
                    int removed = 0;
                    for (UUID id : uploads) {
                        if (!active.contains(id)) {
                            store.discard(id);
                            removed++;
                        }
                    }
                    return blobs + removed;
                }))));
    }

    private Uni<Boolean> deleteOrphanFile(Digest digest) {
        return pool.withTransaction(tx -> BlobLocks.exclusive(tx, digest.toString())
                .chain(() -> garbage.known(tx, List.of(digest.toString())))
                .chain(known -> known.isEmpty() ? Blocking.run(() -> {
                    store.delete(digest);
                    return true;
                }) : Uni.createFrom().item(false)));
    }

    private List<List<Digest>> batches(List<Digest> all) {
        List<List<Digest>> batches = new ArrayList<>();
        for (int i = 0; i < all.size(); i += config.batchSize()) {
            batches.add(all.subList(i, Math.min(all.size(), i + config.batchSize())));
        }
        return batches;
    }
}
