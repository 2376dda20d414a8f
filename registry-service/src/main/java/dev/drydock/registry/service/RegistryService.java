package dev.drydock.registry.service;

import dev.drydock.registry.config.RegistryConfig;
import dev.drydock.registry.domain.Refusal;
import dev.drydock.registry.domain.Registry;
import dev.drydock.registry.domain.RegistryName;
import dev.drydock.registry.domain.Sku;
import dev.drydock.registry.persistence.CacheRules;
import dev.drydock.registry.persistence.Registries;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;

/** Creating, changing and deleting registries, and what they store against their SKU's limits. */
@ApplicationScoped
public class RegistryService {

    private static final Logger LOG = Logger.getLogger(RegistryService.class);

    /** A change: null fields stay as they are. */
    public record Change(String sku, Boolean retentionEnabled, Integer retentionDays, Boolean adminUserEnabled,
            Boolean anonymousPullEnabled, Boolean softDeleteEnabled, Integer softDeleteDays) {
    }

    /** Storage used against the SKU's included storage, and webhooks against its webhook count. */
    public record Usage(long storageBytes, long storageLimit, long webhooks, long webhookLimit) {
    }

    private final Registries registries;
    private final RegistryResolver resolver;
    private final RegistryConfig config;
    private final Authenticator authenticator;
    private final CacheRules cacheRules;

    RegistryService(Registries registries, RegistryResolver resolver, RegistryConfig config,
            Authenticator authenticator, CacheRules cacheRules) {
        this.registries = registries;
        this.cacheRules = cacheRules;
        this.resolver = resolver;
        this.config = config;
        this.authenticator = authenticator;
    }

    public Uni<Registry> create(String name, Change spec) {
        RegistryName registryName;
        Sku sku;
        Registry.RetentionPolicy retention;
        Registry.SoftDeletePolicy softDelete;
        try {
            registryName = new RegistryName(name);
            sku = Sku.parse(spec.sku() == null ? "Standard" : spec.sku());
            retention = new Registry.RetentionPolicy(Boolean.TRUE.equals(spec.retentionEnabled()),
                    spec.retentionDays() == null ? 7 : spec.retentionDays());
            softDelete = new Registry.SoftDeletePolicy(Boolean.TRUE.equals(spec.softDeleteEnabled()),
                    spec.softDeleteDays() == null ? 7 : spec.softDeleteDays(), null);
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid(e.getMessage());
        }
        boolean anonymous = Boolean.TRUE.equals(spec.anonymousPullEnabled());
        checkFeatures(sku, retention, anonymous, softDelete);
        return registries.create(registryName, sku, retention, Boolean.TRUE.equals(spec.adminUserEnabled()),
                anonymous, softDelete, resolver.domain()).map(created -> {
            if (created == null) {
                throw new Refusal(Refusal.Kind.CONFLICT, "a registry named " + name + " exists already");
            }
            LOG.infof("registry %s created (%s)", created.name(), created.sku());
            return created;
        });
    }

    public Uni<Registry> get(String name) {
        return registries.find(name, resolver.domain()).map(found -> {
            if (found == null) {
                throw Refusal.notFound("registry " + name);
            }
            return found;
        });
    }

    /**
     * The registry, if its configuration (settings, credentials, replications) is made here: a geo-replica's is
     * made on its home site, as ACR keeps the control plane in the home region (409 naming that site).
     */
    public Uni<Registry> configurable(String name) {
        return get(name).invoke(registry -> {
            if (registry.homeSite() != null) {
                throw new Refusal(Refusal.Kind.CONFLICT, registry.name() + " is a replica; its home site "
                        + registry.homeSite() + " configures it");
            }
        });
    }

    public Uni<List<Registry>> list() {
        return registries.list(resolver.domain());
    }

    public Uni<Registry> update(String name, Change change) {
        return configurable(name).chain(current -> {
            Sku sku;
            Registry.RetentionPolicy retention;
            Registry.SoftDeletePolicy softDelete;
            try {
                sku = change.sku() == null ? current.sku() : Sku.parse(change.sku());
                retention = new Registry.RetentionPolicy(
                        change.retentionEnabled() == null ? current.retention().enabled() : change.retentionEnabled(),
                        change.retentionDays() == null ? current.retention().days() : change.retentionDays());
                softDelete = new Registry.SoftDeletePolicy(change.softDeleteEnabled() == null
                        ? current.softDelete().enabled() : change.softDeleteEnabled(),
                        change.softDeleteDays() == null ? current.softDelete().days() : change.softDeleteDays(), null);
            } catch (IllegalArgumentException e) {
                throw Refusal.invalid(e.getMessage());
            }
            boolean admin = change.adminUserEnabled() == null ? current.adminUserEnabled() : change.adminUserEnabled();
            boolean anonymous = change.anonymousPullEnabled() == null ? current.anonymousPullEnabled()
                    : change.anonymousPullEnabled();
            checkFeatures(sku, retention, anonymous, softDelete);
            Uni<Long> rules = softDelete.enabled() && !current.softDelete().enabled()
                    ? cacheRules.count(current.id()) : Uni.createFrom().item(0L);
            return rules.invoke(count -> {
                if (count > 0) {
                    throw new Refusal(Refusal.Kind.CONFLICT, "registry " + current.name() + " has " + count
                            + " cache rules, which soft delete cannot share a registry with (ACR's rule)");
                }
            }).chain(() -> webhookCount(current.id())).chain(webhooks -> {
                if (webhooks > sku.webhooks()) {
                    throw new Refusal(Refusal.Kind.SKU_LIMIT, "the registry has " + webhooks
                            + " webhooks; " + sku + " allows " + sku.webhooks());
                }
                return registries.update(current.id(), sku, retention, admin, anonymous, softDelete,
                        resolver.domain());
            });
        }).invoke(updated -> {
            resolver.forget(updated.name());
            authenticator.forgetAll();
            LOG.infof("registry %s updated (%s, retention %s, admin user %s, anonymous pull %s, soft delete %s "
                            + "for %d days)", updated.name(), updated.sku(), updated.retention(),
                    updated.adminUserEnabled(), updated.anonymousPullEnabled(),
                    updated.softDelete().enabled() ? "on" : "off", updated.softDelete().days());
        });
    }

    public Uni<Void> delete(String name) {
        return get(name).chain(found -> {
            if (found.isDefault()) {
                throw new Refusal(Refusal.Kind.CONFLICT, "the default registry cannot be deleted");
            }
            if (found.homeSite() != null) {
                throw new Refusal(Refusal.Kind.CONFLICT, found.name() + " is a replica of site " + found.homeSite()
                        + "; delete its replication there");
            }
            return registries.replicated(found.id()).chain(replicated -> {
                if (replicated) {
                    throw new Refusal(Refusal.Kind.CONFLICT, found.name() + " is replicated to other sites; delete "
                            + "its replications first");
                }
                return remove(found);
            });
        });
    }

    /** Deletes the registry with everything in it: its blobs are reclaimed by garbage collection. */
    public Uni<Void> remove(Registry found) {
        return registries.delete(found.id()).invoke(() -> {
            resolver.forget(found.name());
            LOG.infof("registry %s deleted; its blobs are reclaimed by garbage collection", found.name());
        }).replaceWithVoid();
    }

    /** Forgets what this replica remembers of the registry (after its configuration changed underneath). */
    public void forget(String name) {
        resolver.forget(name);
    }

    public Uni<Usage> usage(String name) {
        return get(name).chain(registry -> Uni.combine().all()
                .unis(registries.storageUsed(registry.id()), webhookCount(registry.id()))
                .with((bytes, webhooks) -> new Usage(bytes, includedStorage(registry.sku()), webhooks,
                        registry.sku().webhooks())));
    }

    public Uni<List<Map<String, Object>>> repositoryUsage(String name) {
        return get(name).chain(registry -> registries.repositoryUsage(registry.id()));
    }

    public long includedStorage(Sku sku) {
        return switch (sku) {
            case Basic -> config.includedStorage().basic();
            case Standard -> config.includedStorage().standard();
            case Premium -> config.includedStorage().premium();
        };
    }

    private Uni<Long> webhookCount(long registryId) {
        return registries.webhookCount(registryId);
    }

    private static void checkFeatures(Sku sku, Registry.RetentionPolicy retention, boolean anonymousPull,
            Registry.SoftDeletePolicy softDelete) {
        if (anonymousPull && !sku.allowsAnonymousPull()) {
            throw new Refusal(Refusal.Kind.SKU_LIMIT, "anonymous pull needs the Standard or Premium SKU, not " + sku);
        }
        if (retention.enabled() && !sku.allowsRetentionPolicy()) {
            throw new Refusal(Refusal.Kind.SKU_LIMIT, "the retention policy needs the Premium SKU, not " + sku);
        }
        if (softDelete.enabled() && sku == Sku.Basic) {
            throw new Refusal(Refusal.Kind.SKU_LIMIT, "soft delete needs the Standard or Premium SKU, not " + sku);
        }
        if (softDelete.enabled() && retention.enabled()) {
            // ACR's rule: retention would delete for good what soft delete promises to keep
            throw Refusal.invalid("the retention policy and soft delete cannot both be enabled");
        }
    }
}
