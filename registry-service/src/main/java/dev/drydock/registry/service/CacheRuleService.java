package dev.drydock.registry.service;

import dev.drydock.oci.RepositoryName;
import dev.drydock.oci.client.LoginServers;
import dev.drydock.registry.config.RegistryConfig;
import dev.drydock.registry.domain.CacheRule;
import dev.drydock.registry.domain.CredentialSet;
import dev.drydock.registry.domain.ErrorCode;
import dev.drydock.registry.domain.Refusal;
import dev.drydock.registry.domain.Registry;
import dev.drydock.registry.domain.RegistryException;
import dev.drydock.registry.persistence.CacheRules;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cache rules (az acr cache): their checks (ACR's: the target must not exist, wildcards may not overlap, two
 * static rules may not share a target, at most 1,000 per registry) and which rule covers a repository. Each
 * replica keeps a registry's rules for a few seconds, as every write asks whether its repository is a cache target.
 */
@ApplicationScoped
public class CacheRuleService {

    private static final Logger LOG = Logger.getLogger(CacheRuleService.class);
    /** How long a replica trusts its copy of a registry's rules; a rule made elsewhere applies after this. */
    private static final long SNAPSHOT_NANOS = 5_000_000_000L;
    private static final int SNAPSHOT_REGISTRIES = 10_000;

    /** A create: the rule and its credential set's name (null for anonymous pulls upstream). */
    public record Spec(String name, String sourceRepository, String targetRepository, String credentialSet) {
    }

    /** The rule covering a repository, and the upstream repository it maps to. */
    public record Match(CacheRule rule, String upstreamRepository) {
    }

    private record Snapshot(List<CacheRule> rules, long loadedAt) {
    }

    private final Pool pool;
    private final RegistryService registries;
    private final RegistryResolver resolver;
    private final CacheRules rules;
    private final CredentialSetService credentialSets;
    private final List<String> localUpstreams;
    private final List<String> insecureRegistries;
    private final Map<Long, Snapshot> snapshots = new ConcurrentHashMap<>();

    CacheRuleService(Pool pool, RegistryService registries, RegistryResolver resolver, CacheRules rules,
            CredentialSetService credentialSets, RegistryConfig config) {
        this.pool = pool;
        this.registries = registries;
        this.resolver = resolver;
        this.rules = rules;
        this.credentialSets = credentialSets;
        this.localUpstreams = config.cache().localUpstreams().orElse(List.of());
        this.insecureRegistries = config.insecureRegistries().orElse(List.of());
    }

    /** @param service where this service is reached, to tell its own registries (reached through it) from others */
    public Uni<CacheRule> create(String registryName, Spec spec, URI service) {
        String source;
        try {
            source = CacheRule.canonicalSource(spec.name(), spec.sourceRepository(), spec.targetRepository());
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid(e.getMessage());
        }
        String target = spec.targetRepository();
        String host = source.substring(0, source.indexOf('/'));
        return registries.get(registryName).chain(registry -> {
            if (registry.softDelete().enabled()) {
                // ACR: soft delete and the artifact cache exclude each other
                throw new Refusal(Refusal.Kind.CONFLICT, "registry " + registry.name() + " has soft delete enabled,"
                        + " which cache rules cannot share a registry with; disable it first");
            }
            LoginServers servers = new LoginServers(service, resolver.domain(), insecureRegistries);
            if (registry.name().equals(servers.registryOf(host))) {
                throw Refusal.invalid("a cache rule cannot fill " + registry.name() + " from itself");
            }
            // Drydock's own registries are reached through this service, whatever their names resolve to
            boolean own = servers.names(host);
            return Blocking.run(() -> {
                if (!own) {
                    UpstreamHosts.check(host, localUpstreams);
                }
                return host;
            }).chain(() -> credentialSet(registry, spec.credentialSet(), host))
                    .chain(set -> pool.withTransaction(tx -> rules.lockRegistry(tx, registry.id())
                            .chain(() -> rules.list(tx, registry.id()))
                            .chain(existing -> {
                                check(existing, spec.name(), target);
                                List<String> staticTargets = existing.stream().filter(r -> !r.wildcard())
                                        .map(CacheRule::targetRepository).toList();
                                boolean wildcard = target.endsWith("*");
                                return rules.existingRepository(tx, registry.id(), wildcard ? null : target,
                                        wildcard ? target.substring(0, target.length() - 1) : null,
                                        wildcard ? staticTargets : List.of());
                            })
                            .chain(taken -> {
                                if (taken != null) {
                                    throw new Refusal(Refusal.Kind.CONFLICT, "repository " + taken + " exists; a"
                                            + " cache rule's target must not (delete it or choose another target)");
                                }
                                return rules.create(tx, registry.id(), spec.name(), source, target,
                                        set == null ? null : set.id());
                            })))
                    .chain(() -> {
                        snapshots.remove(registry.id());
                        return find(registry, spec.name());
                    })
                    .invoke(rule -> LOG.infof("cache rule %s/%s created: %s => %s%s", registry.name(), spec.name(),
                            target, source, rule.credentialSet() == null ? ""
                                    : " with credential set " + rule.credentialSet()));
        });
    }

    /** ACR's checks against the registry's other rules. */
    private static void check(List<CacheRule> existing, String name, String target) {
        if (existing.size() >= CacheRule.MAX_RULES) {
            throw new Refusal(Refusal.Kind.SKU_LIMIT, "a registry holds at most " + CacheRule.MAX_RULES
                    + " cache rules");
        }
        boolean wildcard = target.endsWith("*");
        for (CacheRule rule : existing) {
            if (rule.name().equals(name)) {
                throw new Refusal(Refusal.Kind.CONFLICT, "cache rule " + name + " exists");
            }
            if (rule.targetRepository().equals(target)) {
                throw new Refusal(Refusal.Kind.CONFLICT, "cache rule " + rule.name() + " already fills " + target);
            }
            if (wildcard && rule.wildcard() && CacheRule.wildcardsOverlap(target, rule.targetRepository())) {
                throw new Refusal(Refusal.Kind.CONFLICT, "wildcard rules may not overlap: " + target + " and "
                        + rule.targetRepository() + " (rule " + rule.name() + ")");
            }
        }
    }

    /** The named set, which must log in to the rule's upstream; null for none. */
    private Uni<CredentialSet> credentialSet(Registry registry, String name, String host) {
        if (name == null || name.isEmpty()) {
            return Uni.createFrom().nullItem();
        }
        return credentialSets.find(registry.id(), name).invoke(set -> {
            if (!set.loginServer().equals(host)) {
                throw Refusal.invalid("credential set " + name + " logs in to " + set.loginServer() + ", not " + host
                        + "; its credentials go only there");
            }
        });
    }

    /** Another credential set for the rule, or none ({@code credentialSet} null: pull anonymously). */
    public Uni<CacheRule> update(String registryName, String name, String credentialSet) {
        return registries.get(registryName).chain(registry -> find(registry, name)
                .chain(rule -> credentialSet(registry, credentialSet, rule.sourceHost())
                        .chain(set -> rules.setCredentialSet(rule.id(), set == null ? null : set.id())))
                .chain(() -> {
                    snapshots.remove(registry.id());
                    LOG.infof("cache rule %s/%s now uses %s", registry.name(), name,
                            credentialSet == null ? "no credential set" : "credential set " + credentialSet);
                    return find(registry, name);
                }));
    }

    public Uni<List<CacheRule>> list(String registryName) {
        return registries.get(registryName).chain(registry -> rules.list(registry.id()));
    }

    public Uni<CacheRule> show(String registryName, String name) {
        return registries.get(registryName).chain(registry -> find(registry, name));
    }

    /** Deletes the rule; what it cached stays, as pushed content would, and no longer fills from upstream. */
    public Uni<Void> delete(String registryName, String name) {
        return registries.get(registryName).chain(registry -> find(registry, name)
                .chain(rule -> rules.delete(rule.id()))
                .invoke(() -> {
                    snapshots.remove(registry.id());
                    LOG.infof("cache rule %s/%s deleted", registry.name(), name);
                })).replaceWithVoid();
    }

    public Uni<Long> count(long registryId) {
        return rules.count(registryId);
    }

    private Uni<CacheRule> find(Registry registry, String name) {
        return rules.find(registry.id(), name).onItem().ifNull().failWith(() -> Refusal.notFound("cache rule " + name));
    }

    /** The rule that fills {@code repository}, static rules before wildcards; null when none does. */
    public Uni<Match> covering(long registryId, String repository) {
        return rulesOf(registryId).map(all -> {
            Match wildcard = null;
            for (CacheRule rule : all) {
                String upstream = rule.upstreamRepository(repository);
                if (upstream != null && !rule.wildcard()) {
                    return new Match(rule, upstream);
                }
                if (upstream != null) {
                    wildcard = new Match(rule, upstream);
                }
            }
            return wildcard;
        });
    }

    /** ACR's rule: what a cache rule fills is written only from upstream; pushes and imports are refused. */
    public Uni<Void> checkWritable(long registryId, RepositoryName repository) {
        return covering(registryId, repository.value()).invoke(match -> {
            if (match != null) {
                throw new RegistryException(ErrorCode.DENIED, "repository " + repository + " is filled from "
                        + match.rule().sourceHost() + " by cache rule " + match.rule().name()
                        + "; it takes no pushes", repository.value());
            }
        }).replaceWithVoid();
    }

    private Uni<List<CacheRule>> rulesOf(long registryId) {
        Snapshot snapshot = snapshots.get(registryId);
        if (snapshot != null && System.nanoTime() - snapshot.loadedAt() < SNAPSHOT_NANOS) {
            return Uni.createFrom().item(snapshot.rules());
        }
        return rules.list(registryId).invoke(loaded -> {
            if (snapshots.size() >= SNAPSHOT_REGISTRIES) {
                snapshots.clear();
            }
            snapshots.put(registryId, new Snapshot(loaded, System.nanoTime()));
        });
    }
}
