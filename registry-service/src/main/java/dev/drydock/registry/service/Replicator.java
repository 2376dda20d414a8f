package dev.drydock.registry.service;

import dev.drydock.oci.RepositoryName;
import dev.drydock.registry.config.RegistryConfig;
import dev.drydock.registry.domain.ErrorCode;
import dev.drydock.registry.domain.Refusal;
import dev.drydock.registry.domain.RegistryException;
import dev.drydock.registry.domain.ReplicationTask;
import dev.drydock.registry.persistence.Replications;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Applies the copies queued from peers' events: leases the oldest due task of each repository (so a repository's
 * changes apply in order, and several replicas share the queue), copies or deletes, and records the lag from the
 * change on its site to the content being here. A failed copy is retried with doubling back-off; the queue keeps it
 * across restarts and outages of either site.
 */
@ApplicationScoped
public class Replicator {

    private static final Logger LOG = Logger.getLogger(Replicator.class);

    private final Replications replications;
    private final RegistryService registries;
    private final ReplicaCopy copy;
    private final ManifestService manifests;
    private final MetadataService metadata;
    private final Sites sites;
    private final RegistryConfig.Site config;
    private final Timer lag;
    private final AtomicBoolean running = new AtomicBoolean();

    Replicator(Replications replications, RegistryService registries, ReplicaCopy copy, ManifestService manifests,
            MetadataService metadata, Sites sites, RegistryConfig config, MeterRegistry meters) {
        this.metadata = metadata;
        this.replications = replications;
        this.registries = registries;
        this.copy = copy;
        this.manifests = manifests;
        this.sites = sites;
        this.config = config.site();
        this.lag = Timer.builder("drydock.replication.lag")
                .description("From a change on its site to its content being present here")
                .publishPercentileHistogram().register(meters);
    }

    @Scheduled(every = "${drydock.registry.site.poll:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> poll() {
        return sites.peers().isEmpty() ? Uni.createFrom().voidItem() : drain();
    }

    /** Runs the queue now (new events arrived), unless a run is already going. */
    public void wake() {
        drain().subscribe().with(v -> { }, e -> { });
    }

    private Uni<Void> drain() {
        if (!running.compareAndSet(false, true)) {
            return Uni.createFrom().voidItem();
        }
        Duration lease = config.responseTimeout().multipliedBy(5);
        return replications.lease(config.concurrency(), lease)
                .chain(tasks -> tasks.isEmpty() ? Uni.createFrom().item(false)
                        : Uni.join().all(tasks.stream().map(this::apply).toList()).andCollectFailures()
                        .replaceWith(true))
                .onFailure().invoke(e -> LOG.warnf("replication: the queue could not be read: %s", e.getMessage()))
                .onFailure().recoverWithItem(false)
                .eventually(() -> running.set(false))
                // a full batch means more may be due: go on at once
                .chain(more -> more ? drain() : Uni.createFrom().voidItem());
    }

    private Uni<Void> apply(ReplicationTask task) {
        long started = System.nanoTime();
        return registries.get(task.registry())
                .chain(registry -> switch (task.kind()) {
                    case PUSH -> copy.push(registry, task).map(c -> c.gone()
                            ? "gone on " + task.peer() + " already"
                            : "copied " + c.manifests() + " manifests, " + c.blobsCopied() + " blobs (" + c.bytes()
                            + " bytes), mounted " + c.blobsMounted());
                    case DELETE -> manifests.deleteReplicated(registry, RepositoryName.of(task.repository()),
                            task.digest(), task.change(), task.peer()).map(d -> d ? "deleted" : "nothing to delete");
                    case UNTAG -> manifests.untagReplicated(registry, RepositoryName.of(task.repository()),
                            task.tag(), task.digest(), task.change()).map(d -> d ? "untagged" : "the tag moved or is gone");
                    case LOCK -> metadata.applyReplicatedAttributes(registry, RepositoryName.of(task.repository()),
                            task.tag(), task.digest(), task.attributes()).map(d -> d ? "locks now " + task.attributes()
                            : "nothing to lock here");
                })
                .onFailure(e -> e instanceof Refusal r && r.kind() == Refusal.Kind.NOT_FOUND)
                .recoverWithItem("the registry is not here")
                .onFailure(e -> e instanceof RegistryException r && r.code() == ErrorCode.LOCKED)
                .recoverWithItem(e -> "kept: " + e.getMessage())
                .chain(what -> {
                    Duration sinceChange = Duration.between(task.change().at(), Instant.now());
                    lag.record(sinceChange.isNegative() ? Duration.ZERO : sinceChange);
                    LOG.infof("replication: %s %s/%s%s%s from %s: %s in %d ms, %d ms after the change",
                            task.kind().name().toLowerCase(), task.registry(), task.repository(),
                            task.digest() == null ? "" : "@" + task.digest(),
                            task.tag() == null ? "" : " (" + task.tag() + ")", task.peer(), what,
                            (System.nanoTime() - started) / 1_000_000, sinceChange.toMillis());
                    return replications.applied(task, sinceChange.toMillis());
                })
                .onFailure().recoverWithUni(e -> {
                    Duration retry = backoff(task.attempts());
                    String message = message(e);
                    LOG.warnf("replication: %s %s/%s%s from %s failed (attempt %d, again in %d s): %s",
                            task.kind().name().toLowerCase(), task.registry(), task.repository(),
                            task.digest() == null ? "" : "@" + task.digest(),
                            task.peer(), task.attempts(), retry.toSeconds(), message);
                    return replications.failed(task, message, retry);
                });
    }

    private Duration backoff(int attempts) {
        Duration wait = config.initialBackoff().multipliedBy(1L << Math.min(Math.max(attempts - 1, 0), 16));
        return wait.compareTo(config.longestBackoff()) > 0 ? config.longestBackoff() : wait;
    }

    private static String message(Throwable e) {
        Throwable cause = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
        String text = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return text.length() > 500 ? text.substring(0, 500) : text;
    }
}
