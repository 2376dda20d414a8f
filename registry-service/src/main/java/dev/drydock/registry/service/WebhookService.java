package dev.drydock.registry.service;

import dev.drydock.registry.domain.Origin;
import dev.drydock.registry.domain.Refusal;
import dev.drydock.registry.domain.Registry;
import dev.drydock.registry.domain.RegistryName;
import dev.drydock.registry.domain.Webhook;
import dev.drydock.registry.domain.WebhookDelivery;
import dev.drydock.registry.domain.WebhookScope;
import dev.drydock.registry.persistence.Registries;
import dev.drydock.registry.persistence.Webhooks;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Managing a registry's webhooks (az acr webhook create|update|delete|list|show|get-config|ping|list-events). */
@ApplicationScoped
public class WebhookService {

    private static final Logger LOG = Logger.getLogger(WebhookService.class);

    /** A create or update: null fields keep their value (or take the default on create). */
    public record Spec(String serviceUri, List<String> actions, String scope, Map<String, String> customHeaders,
            String status, String secret) {
    }

    private final Pool pool;
    private final Webhooks webhooks;
    private final Registries registries;
    private final RegistryService registryService;
    private final ImageEvents events;

    WebhookService(Pool pool, Webhooks webhooks, Registries registries, RegistryService registryService,
            ImageEvents events) {
        this.pool = pool;
        this.webhooks = webhooks;
        this.registries = registries;
        this.registryService = registryService;
        this.events = events;
    }

    public Uni<Webhook> create(String registryName, String name, Spec spec) {
        if (!RegistryName.isValid(name)) {
            throw Refusal.invalid("webhook names are 5 to 50 letters and digits, got '" + name + "'");
        }
        if (spec.serviceUri() == null || spec.actions() == null) {
            throw Refusal.invalid("a webhook needs a serviceUri and actions");
        }
        return registryService.get(registryName).chain(registry -> registries.webhookCount(registry.id())
                .chain(count -> {
                    if (count >= registry.sku().webhooks()) {
                        throw new Refusal(Refusal.Kind.SKU_LIMIT, "registry " + registry.name() + " has " + count
                                + " webhooks, all its " + registry.sku() + " SKU allows");
                    }
                    Webhook webhook = validated(new Webhook(0, registry.id(), name, spec.serviceUri(),
                            Set.copyOf(spec.actions()), spec.scope() == null ? "" : spec.scope(),
                            spec.customHeaders() == null ? Map.of() : spec.customHeaders(), spec.secret(),
                            !"disabled".equalsIgnoreCase(spec.status()), null));
                    return webhooks.create(webhook);
                })
                .invoke(created -> {
                    if (created == null) {
                        throw new Refusal(Refusal.Kind.CONFLICT, "webhook " + name + " exists already");
                    }
                    LOG.infof("webhook %s/%s created for %s on %s", registry.name(), name, created.actions(),
                            created.scope().isEmpty() ? "everything" : created.scope());
                }));
    }

    public Uni<Webhook> update(String registryName, String name, Spec spec) {
        return get(registryName, name).chain(current -> webhooks.update(validated(new Webhook(current.id(),
                current.registryId(), name, spec.serviceUri() == null ? current.uri() : spec.serviceUri(),
                spec.actions() == null ? current.actions() : Set.copyOf(spec.actions()),
                spec.scope() == null ? current.scope() : spec.scope(),
                spec.customHeaders() == null ? current.headers() : spec.customHeaders(),
                spec.secret() == null ? current.secret() : spec.secret().isEmpty() ? null : spec.secret(),
                spec.status() == null ? current.enabled() : !"disabled".equalsIgnoreCase(spec.status()),
                current.createdAt()))));
    }

    public Uni<Webhook> get(String registryName, String name) {
        return registryService.get(registryName).chain(registry -> webhooks.find(registry.id(), name))
                .onItem().ifNull().failWith(() -> Refusal.notFound("webhook " + name));
    }

    public Uni<List<Webhook>> list(String registryName) {
        return registryService.get(registryName).chain(registry -> webhooks.list(registry.id()));
    }

    public Uni<Void> delete(String registryName, String name) {
        return get(registryName, name).chain(w -> webhooks.delete(w.id()))
                .invoke(() -> LOG.infof("webhook %s/%s deleted", registryName, name)).replaceWithVoid();
    }

    /** Queues a ping delivery; its outcome shows in the event log. @return the event id */
    /** Sends a ping event as {@code actor}; its request host is the registry's login server. */
    public Uni<UUID> ping(String registryName, String name, String actor, String method, String userAgent) {
        return registryService.get(registryName).chain(registry -> get(registryName, name).chain(w ->
                pool.withTransaction(tx -> events.ping(tx, w, new Origin(actor, registry.loginServer(), method,
                        userAgent)))));
    }

    public Uni<List<WebhookDelivery>> events(String registryName, String name, int limit) {
        return get(registryName, name).chain(w -> webhooks.deliveries(w.id(), limit));
    }

    private static Webhook validated(Webhook w) {
        URI uri;
        try {
            uri = URI.create(w.uri());
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid("serviceUri is not a URI: " + w.uri());
        }
        if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                || uri.getHost() == null) {
            throw Refusal.invalid("serviceUri must be an absolute http or https URI, got " + w.uri());
        }
        if (w.actions().isEmpty() || !Webhook.ACTIONS.containsAll(w.actions())) {
            throw Refusal.invalid("actions are some of " + Webhook.ACTIONS + ", got " + w.actions());
        }
        try {
            WebhookScope.parse(w.scope());
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid(e.getMessage());
        }
        for (String header : w.headers().keySet()) {
            if (!header.matches("[A-Za-z0-9-]+")) {
                throw Refusal.invalid("custom header names are letters, digits and dashes, got '" + header + "'");
            }
        }
        return new Webhook(w.id(), w.registryId(), w.name(), w.uri(), new LinkedHashSet<>(w.actions()), w.scope(),
                w.headers(), w.secret(), w.enabled(), w.createdAt());
    }
}
