package dev.drydock.registry.api.management;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.drydock.registry.domain.AcrTime;
import dev.drydock.registry.domain.CacheRule;
import dev.drydock.registry.domain.Refusal;
import dev.drydock.registry.service.CacheRuleService;
import dev.drydock.registry.service.ServiceAddress;
import io.vertx.core.http.HttpServerRequest;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.List;
import java.util.Map;

/** /api/v1/registries/{registry}/cacheRules (az acr cache ...), with ARM's property names. */
@Path("/api/v1/registries/{registry}/cacheRules")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class CacheRulesResource {

    private final CacheRuleService rules;

    CacheRulesResource(CacheRuleService rules) {
        this.rules = rules;
    }

    /**
     * A create or update. The credential set is named by {@code credentialSet} or by ARM's
     * {@code credentialSetResourceId} (whose last segment is the name); an update with
     * {@code removeCredentialSet: true} makes the rule pull anonymously.
     */
    public record CacheRuleRequest(String name, String sourceRepository, String targetRepository, String credentialSet,
            String credentialSetResourceId, Boolean removeCredentialSet) {
        String credentialSetName() {
            if (credentialSet != null) {
                return credentialSet;
            }
            return credentialSetResourceId == null ? null
                    : credentialSetResourceId.substring(credentialSetResourceId.lastIndexOf('/') + 1);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CacheRuleJson(String name, String sourceRepository, String targetRepository,
            String credentialSetResourceId, String creationDate, String provisioningState) {
        static CacheRuleJson of(String registry, CacheRule rule) {
            return new CacheRuleJson(rule.name(), rule.sourceRepository(), rule.targetRepository(),
                    rule.credentialSet() == null ? null
                            : CredentialSetsResource.path(registry) + "/" + rule.credentialSet(),
                    AcrTime.format(rule.createdAt()), "Succeeded");
        }
    }

    @POST
    public Uni<Response> create(@Context HttpServerRequest http, @PathParam("registry") String registry,
            CacheRuleRequest request) {
        if (request == null) {
            throw Refusal.invalid("a cache rule needs name, sourceRepository and targetRepository");
        }
        return rules.create(registry, new CacheRuleService.Spec(request.name(), request.sourceRepository(),
                        request.targetRepository(), request.credentialSetName()), ServiceAddress.of(http))
                .map(rule -> Response.created(URI.create("/api/v1/registries/" + registry + "/cacheRules/"
                        + rule.name())).entity(CacheRuleJson.of(registry, rule)).build());
    }

    @GET
    public Uni<Map<String, List<CacheRuleJson>>> list(@PathParam("registry") String registry) {
        return rules.list(registry).map(all -> Map.of("value",
                all.stream().map(rule -> CacheRuleJson.of(registry, rule)).toList()));
    }

    @GET
    @Path("{name}")
    public Uni<CacheRuleJson> show(@PathParam("registry") String registry, @PathParam("name") String name) {
        return rules.show(registry, name).map(rule -> CacheRuleJson.of(registry, rule));
    }

    /** az acr cache update: only the credential set changes (-c NEW or --remove-cred-set). */
    @PATCH
    @Path("{name}")
    public Uni<CacheRuleJson> update(@PathParam("registry") String registry, @PathParam("name") String name,
            CacheRuleRequest request) {
        if (request == null) {
            throw Refusal.invalid("an update needs a body");
        }
        if (request.sourceRepository() != null || request.targetRepository() != null
                || request.name() != null && !request.name().equals(name)) {
            throw Refusal.invalid("a cache rule's name, source and target cannot change; delete it and create"
                    + " another");
        }
        boolean remove = Boolean.TRUE.equals(request.removeCredentialSet());
        if (remove == (request.credentialSetName() != null)) {
            throw Refusal.invalid("an update names a credentialSet or sets removeCredentialSet, not both or neither");
        }
        return rules.update(registry, name, remove ? null : request.credentialSetName())
                .map(rule -> CacheRuleJson.of(registry, rule));
    }

    @DELETE
    @Path("{name}")
    public Uni<Response> delete(@PathParam("registry") String registry, @PathParam("name") String name) {
        return rules.delete(registry, name).map(v -> Response.noContent().build());
    }
}
