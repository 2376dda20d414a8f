package dev.drydock.registry.api.management;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.drydock.registry.domain.AcrTime;
import dev.drydock.registry.domain.CredentialSet;
import dev.drydock.registry.domain.Refusal;
import dev.drydock.registry.service.CredentialSetService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * /api/v1/registries/{registry}/credentialSets (az acr credential-set ...). The user name and password are
 * write-only: no answer carries them, only the login server and the health the last upstream call found.
 */
@Path("/api/v1/registries/{registry}/credentialSets")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class CredentialSetsResource {

    private final CredentialSetService sets;

    CredentialSetsResource(CredentialSetService sets) {
        this.sets = sets;
    }

    static String path(String registry) {
        return "/api/v1/registries/" + registry + "/credentialSets";
    }

    public record CredentialSetRequest(String name, String loginServer, String username, String password) {
        @Override
        public String toString() {
            return "CredentialSetRequest[" + name + ", " + loginServer + ", ******]";
        }
    }

    /** ARM's shape: one credential, named Credential1, with its health. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CredentialSetJson(String name, String loginServer, List<AuthCredential> authCredentials,
            String creationDate, String provisioningState) {
        static CredentialSetJson of(CredentialSet set) {
            return new CredentialSetJson(set.name(), set.loginServer(), List.of(new AuthCredential("Credential1",
                    set.health())), AcrTime.format(set.createdAt()), "Succeeded");
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AuthCredential(String name, CredentialSet.Health credentialHealth) {
    }

    @POST
    public Uni<Response> create(@PathParam("registry") String registry, CredentialSetRequest request) {
        if (request == null) {
            throw Refusal.invalid("a credential set needs name, loginServer, username and password");
        }
        return sets.create(registry, request.name(), spec(request)).map(set -> Response
                .created(URI.create(path(registry) + "/" + set.name())).entity(CredentialSetJson.of(set)).build());
    }

    @GET
    public Uni<Map<String, List<CredentialSetJson>>> list(@PathParam("registry") String registry) {
        return sets.list(registry).map(all -> Map.of("value", all.stream().map(CredentialSetJson::of).toList()));
    }

    @GET
    @Path("{name}")
    public Uni<CredentialSetJson> show(@PathParam("registry") String registry, @PathParam("name") String name) {
        return sets.show(registry, name).map(CredentialSetJson::of);
    }

    /** New user name and password (both: a set is one login). */
    @PATCH
    @Path("{name}")
    public Uni<CredentialSetJson> update(@PathParam("registry") String registry, @PathParam("name") String name,
            CredentialSetRequest request) {
        if (request == null) {
            throw Refusal.invalid("an update needs username and password");
        }
        if (request.name() != null && !request.name().equals(name)) {
            throw Refusal.invalid("a credential set cannot be renamed");
        }
        return sets.update(registry, name, spec(request)).map(CredentialSetJson::of);
    }

    @DELETE
    @Path("{name}")
    public Uni<Response> delete(@PathParam("registry") String registry, @PathParam("name") String name) {
        return sets.delete(registry, name).map(v -> Response.noContent().build());
    }

    private static CredentialSetService.Spec spec(CredentialSetRequest request) {
        return new CredentialSetService.Spec(request.loginServer(), request.username(), request.password());
    }
}
