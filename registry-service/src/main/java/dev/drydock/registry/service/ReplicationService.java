package dev.drydock.registry.service;

import dev.drydock.registry.domain.Refusal;
import dev.drydock.registry.domain.Registry;
import dev.drydock.registry.domain.Replication;
import dev.drydock.registry.domain.ReplicationTask;
import dev.drydock.registry.domain.SiteChange;
import dev.drydock.registry.domain.Sku;
import dev.drydock.registry.persistence.ReplicaConfigurations;
import dev.drydock.registry.persistence.Replications;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Replications (az acr replication): created on a Premium registry's home site for another configured site, which
 * then holds a replica under the same name. The home site sends the registry's configuration to every replica
 * when it changes (and as a heartbeat that tells online from offline); content travels through the replicators.
 * A full sync compares two sites' inventories and queues what one lacks, for a site that was away longer than the
 * events are kept.
 */
@ApplicationScoped
public class ReplicationService {

    private static final Logger LOG = Logger.getLogger(ReplicationService.class);
    /** A replica not heard from for this long is asked again even when its configuration is current. */
    private static final Duration HEARTBEAT = Duration.ofSeconds(60);

    private final Replications replications;
    private final ReplicaConfigurations configurations;
    private final RegistryService registries;
    private final SiteClient sitesApi;
    private final Sites sites;
    private final Authenticator authenticator;
    private final ReplicationIntake intake;
    private final Replicator replicator;

    ReplicationService(Replications replications, ReplicaConfigurations configurations, RegistryService registries,
            SiteClient sitesApi, Sites sites, Authenticator authenticator, ReplicationIntake intake,
            Replicator replicator) {
        this.replications = replications;
        this.configurations = configurations;
        this.registries = registries;
        this.sitesApi = sitesApi;
        this.sites = sites;
        this.authenticator = authenticator;
        this.intake = intake;
        this.replicator = replicator;
    }

    public Uni<Replication> create(String registryName, String location, boolean regionEndpointEnabled) {
        return registries.configurable(registryName).chain(registry -> {
            if (registry.sku() != Sku.Premium) {
                throw new Refusal(Refusal.Kind.SKU_LIMIT, "geo-replication needs the Premium SKU; " + registry.name()
                        + " is " + registry.sku());
            }
            if (location == null || !sites.isPeer(location)) {
                throw Refusal.invalid("location '" + location + "' is not a site this one knows; configured sites: "
                        + (sites.peers().isEmpty() ? "none (drydock.registry.site.peers)"
                        : String.join(", ", sites.peers().keySet())));
            }
            return replications.create(registry.id(), location, regionEndpointEnabled)
                    .invoke(created -> {
                        if (created == null) {
                            throw new Refusal(Refusal.Kind.CONFLICT, registry.name() + " is already replicated to "
                                    + location);
                        }
                    })
                    .call(() -> provision(registry.name(), registry.id(), location, true))
                    .chain(() -> replications.find(registry.id(), location));
        });
    }

    public Uni<List<Replication>> list(String registryName) {
        return registries.get(registryName).chain(registry -> replications.list(registry.id()));
    }

    public Uni<Replication> show(String registryName, String location) {
        return registries.get(registryName).chain(registry -> replications.find(registry.id(), location))
                .invoke(found -> {
                    if (found == null) {
                        throw Refusal.notFound("replication " + location + " of " + registryName);
                    }
                });
    }

    /**
     * What the replicator of {@code location} has waiting and has applied for the registry, per peer and
     * repository; asked of that site (this site's own when it is this one).
     */
    public Uni<JsonObject> status(String registryName, String location) {
        if (sites.self().map(location::equals).orElse(false)) {
            return localStatus(registryName);
        }
        return show(registryName, location).chain(r -> sitesApi.status(location, registryName))
                .map(answer -> answer.ok() ? new JsonObject(answer.body())
                        : new JsonObject().put("error", "site " + location + " answered " + answer.status()))
                .onFailure().recoverWithItem(e -> new JsonObject().put("error", "site " + location
                        + " cannot be reached: " + reason(e)));
    }

    /** This site's replicator, for the registry. */
    public Uni<JsonObject> localStatus(String registryName) {
        return replications.status(registryName).map(rows -> {
            JsonArray repositories = new JsonArray();
            rows.forEach(row -> repositories.add(new JsonObject().put("peer", row.peer())
                    .put("repository", row.repository()).put("pending", row.pending())
                    .put("lastError", row.lastError()).put("applied", row.applied())
                    .put("lastAppliedAt", row.lastAppliedAt() == null ? null : row.lastAppliedAt().toString())
                    .put("lagSeconds", row.lastLagMillis() == null ? null : row.lastLagMillis() / 1000.0)));
            JsonArray gaps = new JsonArray();
            intake.gaps().forEach(gaps::add);
            return new JsonObject().put("site", sites.self().orElse(null)).put("repositories", repositories)
                    .put("needsSyncWith", gaps);
        });
    }

    public Uni<Replication> update(String registryName, String location, boolean regionEndpointEnabled) {
        return registries.configurable(registryName).chain(registry ->
                replications.updateEndpoint(registry.id(), location, regionEndpointEnabled)
                        .invoke(updated -> {
                            if (updated == null) {
                                throw Refusal.notFound("replication " + location + " of " + registryName);
                            }
                        }));
    }

    /** Marks the replication Deleting; the replica is removed at its site now or, if it is away, when it returns. */
    public Uni<Void> delete(String registryName, String location) {
        return registries.configurable(registryName).chain(registry -> replications.find(registry.id(), location)
                .chain(found -> {
                    if (found == null) {
                        throw Refusal.notFound("replication " + location + " of " + registryName);
                    }
                    return replications.reported(registry.id(), location, "Deleting", found.status(),
                            found.statusMessage(), null);
                })
                .chain(() -> removeReplica(registry.name(), registry.id(), location)));
    }

    private Uni<Void> removeReplica(String registry, long registryId, String location) {
        return sitesApi.deleteReplica(location, registry)
                .chain(answer -> answer.ok() || answer.status() == 404
                        ? replications.delete(registryId, location).invoke(() -> LOG.infof(
                                "replication: %s no longer replicated to %s", registry, location)).replaceWithVoid()
                        : replications.reported(registryId, location, "Deleting", "online",
                                "the site refused the deletion: " + answer.status(), null))
                .onFailure().recoverWithUni(e -> replications.reported(registryId, location, "Deleting", "offline",
                        "the site cannot be reached: " + reason(e), null));
    }

    /**
     * Sends the registry's configuration to the replica unless it acknowledged this one recently: the replica
     * is created, or its credentials follow the home's (a deleted token stops working there too).
     */
    private Uni<Void> provision(String registry, long registryId, String location, boolean force) {
        return configurations.export(registry).chain(configuration -> {
            String fingerprint = fingerprint(configuration);
            return replications.find(registryId, location).chain(current -> {
                if (current == null) {
                    return Uni.createFrom().voidItem();
                }
                boolean fresh = current.statusAt() != null
                        && current.statusAt().isAfter(Instant.now().minus(HEARTBEAT));
                return replications.acknowledgedConfiguration(registryId, location).chain(acknowledged -> {
                    if (!force && fresh && "online".equals(current.status())
                            && fingerprint.equals(acknowledged)) {
                        return Uni.createFrom().voidItem();
                    }
                    return sitesApi.putConfiguration(location, registry, configuration
                                    .put("home", sites.self().orElseThrow()))
                            .chain(answer -> answer.ok()
                                    ? replications.reported(registryId, location, "Succeeded", "online", null,
                                    fingerprint)
                                    : replications.reported(registryId, location,
                                    "Creating".equals(current.provisioningState()) ? "Failed"
                                            : current.provisioningState(), "online",
                                    "the site refused the replica: " + answer.status() + " " + brief(answer.body()), null))
                            .onFailure().recoverWithUni(e -> replications.reported(registryId, location,
                                    current.provisioningState(), "offline",
                                    "the site cannot be reached: " + reason(e), null));
                });
            });
        });
    }

    /** The home site's heartbeat: every replica gets the current configuration, or its deletion. */
    @Scheduled(every = "${drydock.registry.site.configuration-sync:10s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> provisionAll() {
        if (sites.peers().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return replications.homed()
                .chain(all -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (Map.Entry<String, Replication> entry : all) {
                        Replication r = entry.getValue();
                        if (!sites.isPeer(r.location())) {
                            continue;
                        }
                        chain = chain.chain(() -> "Deleting".equals(r.provisioningState())
                                ? removeReplica(entry.getKey(), r.registryId(), r.location())
                                : provision(entry.getKey(), r.registryId(), r.location(), false));
                    }
                    return chain;
                })
                .onFailure().invoke(e -> LOG.warnf("replication: configurations not sent: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** A replica's configuration from its home site (the sites API). */
    public Uni<ReplicaConfigurationsResult> applyConfiguration(String registry, JsonObject configuration,
            String caller) {
        String home = configuration.getString("home");
        if (home == null || !home.equals(caller) || !sites.isPeer(home)
                || !registry.equalsIgnoreCase(configuration.getString("name"))) {
            throw Refusal.invalid("a replica's configuration comes from its home site, which must be the caller "
                    + "and a configured peer");
        }
        return configurations.apply(configuration, home).invoke(applied -> {
            if (applied == ReplicaConfigurations.Applied.NOT_A_REPLICA) {
                throw new Refusal(Refusal.Kind.CONFLICT, "registry " + registry + " exists at site "
                        + sites.self().orElse("?") + " and is not a replica: it is never overwritten");
            }
            // credentials may have changed: nothing remembered may outlive them on this replica
            authenticator.forgetAll();
            registries.forget(registry);
            if (applied == ReplicaConfigurations.Applied.CREATED) {
                LOG.infof("replication: replica of %s created from site %s; copying its content", registry, home);
            }
        }).call(applied -> applied == ReplicaConfigurations.Applied.CREATED
                ? sync(registry, home).replaceWithVoid().onFailure().recoverWithUni(e -> {
                    // the replica stands; its content follows by a sync the status asks for
                    LOG.warnf("replication: the first copy of %s from %s failed (%s); the status says needs sync",
                            registry, home, e.getMessage());
                    intake.needsSync(home);
                    return Uni.createFrom().voidItem();
                })
                : Uni.createFrom().voidItem())
                .map(applied -> new ReplicaConfigurationsResult(applied.name()));
    }

    /** What applying a configuration did: CREATED or UPDATED. */
    public record ReplicaConfigurationsResult(String applied) {
    }

    /** Removes this site's replica (the sites API, when its home deleted the replication). */
    public Uni<Void> deleteReplica(String registry, String caller) {
        return registries.get(registry).chain(found -> {
            if (found.homeSite() == null || !found.homeSite().equals(caller)) {
                throw new Refusal(Refusal.Kind.CONFLICT, "registry " + registry + " is not a replica of " + caller);
            }
            return registries.remove(found);
        });
    }

    /** This site's holdings of the registry, for another site's full sync. */
    public Uni<JsonArray> inventory(String registryName) {
        return registries.get(registryName).chain(registry -> replications.inventory(registry.id()))
                .map(held -> {
                    JsonArray all = new JsonArray();
                    held.forEach(h -> all.add(new JsonObject().put("repository", h.repository())
                            .put("digest", h.digest()).put("tag", h.tag()).put("changedAt", h.changedAt().toString())
                            .put("changedSite", h.changedSite())));
                    return all;
                });
    }

    /** How many copies a full sync queued. */
    public record Synced(String peer, int queued, int compared) {
    }

    /**
     * A full comparison with {@code peer}: everything the peer holds that this site lacks, and every tag the peer
     * moved later than this site did, is queued for the replicator (which applies last-writer-wins again).
     */
    public Uni<Synced> sync(String registryName, String peer) {
        if (!sites.isPeer(peer)) {
            throw Refusal.invalid("'" + peer + "' is not a site this one knows");
        }
        return registries.get(registryName).chain(registry -> replications.copiesFrom(registry.name(),
                sites.self().orElseThrow(), peer).chain(replicated -> {
            if (!replicated) {
                throw new Refusal(Refusal.Kind.CONFLICT, registry.name() + " is not replicated between "
                        + sites.self().orElseThrow() + " and " + peer);
            }
            return sitesApi.inventory(peer, registry.name()).chain(answer -> {
                if (!answer.ok()) {
                    throw new Refusal(Refusal.Kind.UPSTREAM, "site " + peer + " answered " + answer.status());
                }
                return replications.inventory(registry.id()).chain(local -> queueMissing(registry, peer,
                        new JsonArray(answer.body()), local));
            });
        })).invoke(synced -> {
            intake.synced(peer);
            replicator.wake();
            LOG.infof("replication: sync of %s with %s compared %d entries, queued %d copies", registryName, peer,
                    synced.compared(), synced.queued());
        });
    }

    private Uni<Synced> queueMissing(Registry registry, String peer, JsonArray theirs, List<Replications.Held> ours) {
        Map<String, Replications.Held> tags = new HashMap<>();
        Map<String, Boolean> digests = new HashMap<>();
        for (Replications.Held h : ours) {
            digests.put(h.repository() + "@" + h.digest(), true);
            if (h.tag() != null) {
                tags.put(h.repository() + ":" + h.tag(), h);
            }
        }
        Uni<Integer> chain = Uni.createFrom().item(0);
        for (Object o : theirs) {
            JsonObject held = (JsonObject) o;
            String repository = held.getString("repository");
            String digest = held.getString("digest");
            String tag = held.getString("tag");
            SiteChange change = new SiteChange(Instant.parse(held.getString("changedAt")),
                    held.getString("changedSite", ""));
            Replications.Held mine = tag == null ? null : tags.get(repository + ":" + tag);
            boolean lacking = !digests.containsKey(repository + "@" + digest);
            boolean older = tag != null && (mine == null || !mine.digest().equals(digest)
                    && change.isNewerThan(new SiteChange(mine.changedAt(), mine.changedSite())));
            if (!lacking && !older) {
                continue;
            }
            String eventId = "sync:" + digest + ":" + Objects.toString(tag, "") + ":" + change.at();
            chain = chain.chain(n -> replications.enqueue(ReplicationTask.of(peer, eventId, registry.name(),
                    repository, ReplicationTask.Kind.PUSH, digest, tag, null, change))
                    .map(queued -> queued ? n + 1 : n));
        }
        return chain.map(queued -> new Synced(peer, queued, theirs.size()));
    }

    /** Why a call to a site failed, in words (a refused connection has no message of its own). */
    private static String reason(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String brief(String body) {
        return body == null ? "" : body.length() > 300 ? body.substring(0, 300) + "…" : body;
    }

    static String fingerprint(JsonObject configuration) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(configuration.encode().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
