package dev.drydock.registry.api.management;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.drydock.registry.domain.AcrTime;
import dev.drydock.registry.domain.Refusal;
import dev.drydock.registry.domain.auth.Action;
import dev.drydock.registry.domain.auth.RepositoryToken;
import dev.drydock.registry.domain.auth.ScopeMap;
import dev.drydock.registry.service.CredentialService;
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

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A registry's credentials: the admin user's passwords (az acr credential renew), scope maps (az acr scope-map)
 * and repository tokens (az acr token). Password values appear only in the answer that creates them.
 */
@Path("/api/v1/registries/{registry}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class CredentialsResource {

    private final CredentialService credentials;

    CredentialsResource(CredentialService credentials) {
        this.credentials = credentials;
    }

    public record Named(String name, String expiry) {
    }

    public record ScopeMapRequest(String name, String description, List<String> actions) {
    }

    public record TokenRequest(String name, String scopeMap, String status) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PasswordJson(String name, String value, String expiry) {
        static PasswordJson of(CredentialService.NewPassword p) {
            return new PasswordJson(p.name(), p.value(), AcrTime.format(p.expiry()));
        }
    }

    /** az acr credential renew --password-name password|password2: the new value, once. */
    @POST
    @Path("credentials/regenerate")
    public Uni<Map<String, Object>> regenerate(@PathParam("registry") String registry, Named request) {
        return credentials.regenerateAdminPassword(registry, request == null ? null : request.name())
                .map(p -> Map.of("username", registry, "passwords", List.of(PasswordJson.of(p))));
    }

    @GET
    @Path("scope-maps")
    public Uni<Map<String, Object>> scopeMaps(@PathParam("registry") String registry) {
        return credentials.scopeMaps(registry).map(maps -> Map.of("value",
                maps.stream().map(CredentialsResource::scopeMapJson).toList()));
    }

    @POST
    @Path("scope-maps")
    public Uni<Response> createScopeMap(@PathParam("registry") String registry, ScopeMapRequest request) {
        if (request == null) {
            throw Refusal.invalid("a scope map needs a body");
        }
        return credentials.saveScopeMap(registry, request.name(), request.description(), request.actions(), true)
                .map(map -> Response.status(201).entity(scopeMapJson(map)).build());
    }

    @GET
    @Path("scope-maps/{name}")
    public Uni<Map<String, Object>> scopeMap(@PathParam("registry") String registry, @PathParam("name") String name) {
        return credentials.scopeMap(registry, name).map(CredentialsResource::scopeMapJson);
    }

    /** Replaces description and actions; tokens using the map see the change at once. */
    @PATCH
    @Path("scope-maps/{name}")
    public Uni<Map<String, Object>> updateScopeMap(@PathParam("registry") String registry,
            @PathParam("name") String name, ScopeMapRequest request) {
        if (request == null) {
            throw Refusal.invalid("an update needs a body");
        }
        return credentials.scopeMap(registry, name).chain(current -> credentials.saveScopeMap(registry, name,
                request.description() == null ? current.description() : request.description(),
                request.actions() == null ? actions(current) : request.actions(), false))
                .map(CredentialsResource::scopeMapJson);
    }

    @DELETE
    @Path("scope-maps/{name}")
    public Uni<Response> deleteScopeMap(@PathParam("registry") String registry, @PathParam("name") String name) {
        return credentials.deleteScopeMap(registry, name).map(v -> Response.noContent().build());
    }

    @GET
    @Path("tokens")
    public Uni<Map<String, Object>> tokens(@PathParam("registry") String registry) {
        return credentials.tokens(registry).map(all -> Map.of("value",
                all.stream().map(CredentialsResource::tokenJson).toList()));
    }

    /** az acr token create: both passwords in this answer, never again. */
    @POST
    @Path("tokens")
    public Uni<Response> createToken(@PathParam("registry") String registry, TokenRequest request) {
        if (request == null) {
            throw Refusal.invalid("a token needs a body");
        }
        return credentials.createToken(registry, request.name(), request.scopeMap(), enabled(request.status(), true))
                .map(passwords -> Response.status(201).entity(Map.of("name", request.name(),
                        "scopeMap", request.scopeMap(), "status", enabled(request.status(), true) ? "enabled" : "disabled",
                        "credentials", Map.of("username", request.name(),
                                "passwords", passwords.stream().map(PasswordJson::of).toList()))).build());
    }

    @GET
    @Path("tokens/{name}")
    public Uni<Map<String, Object>> token(@PathParam("registry") String registry, @PathParam("name") String name) {
        return credentials.token(registry, name).map(CredentialsResource::tokenJson);
    }

    @PATCH
    @Path("tokens/{name}")
    public Uni<Map<String, Object>> updateToken(@PathParam("registry") String registry, @PathParam("name") String name,
            TokenRequest request) {
        if (request == null) {
            throw Refusal.invalid("an update needs a body");
        }
        return credentials.updateToken(registry, name, request.scopeMap(),
                        request.status() == null ? null : enabled(request.status(), true))
                .chain(() -> credentials.token(registry, name)).map(CredentialsResource::tokenJson);
    }

    @DELETE
    @Path("tokens/{name}")
    public Uni<Response> deleteToken(@PathParam("registry") String registry, @PathParam("name") String name) {
        return credentials.deleteToken(registry, name).map(v -> Response.noContent().build());
    }

    /** az acr token credential generate --password1|--password2 [--expiration]: the new value, once. */
    @POST
    @Path("tokens/{name}/credentials")
    public Uni<Map<String, Object>> generate(@PathParam("registry") String registry, @PathParam("name") String name,
            Named request) {
        Instant expiry;
        try {
            expiry = request == null || request.expiry() == null ? null : Instant.parse(request.expiry());
        } catch (DateTimeParseException e) {
            throw Refusal.invalid("expiry is an RFC 3339 time such as 2027-01-01T00:00:00Z");
        }
        return credentials.regenerateTokenPassword(registry, name, request == null ? null : request.name(), expiry)
                .map(p -> Map.of("username", name, "passwords", List.of(PasswordJson.of(p))));
    }

    @DELETE
    @Path("tokens/{name}/credentials/{password}")
    public Uni<Response> deletePassword(@PathParam("registry") String registry, @PathParam("name") String name,
            @PathParam("password") String password) {
        return credentials.deleteTokenPassword(registry, name, password).map(v -> Response.noContent().build());
    }

    private static boolean enabled(String status, boolean absent) {
        if (status == null) {
            return absent;
        }
        return switch (status.toLowerCase(java.util.Locale.ROOT)) {
            case "enabled" -> true;
            case "disabled" -> false;
            default -> throw Refusal.invalid("status is enabled or disabled, not '" + status + "'");
        };
    }

    private static List<String> actions(ScopeMap map) {
        List<String> actions = new ArrayList<>();
        map.rules().forEach((pattern, granted) -> {
            for (Action a : granted) {
                actions.add("repositories/" + pattern + "/" + a.scopeMapAction());
            }
        });
        actions.sort(null);
        return actions;
    }

    private static Map<String, Object> scopeMapJson(ScopeMap map) {
        return Map.of("name", map.name(), "description", map.description() == null ? "" : map.description(),
                "type", map.name().startsWith("_") ? "SystemDefined" : "UserDefined", "actions", actions(map));
    }

    private static Map<String, Object> tokenJson(RepositoryToken token) {
        List<Map<String, Object>> passwords = new ArrayList<>();
        if (token.password1() != null) {
            passwords.add(password("password1", token.password1Expiry()));
        }
        if (token.password2() != null) {
            passwords.add(password("password2", token.password2Expiry()));
        }
        return Map.of("name", token.name(), "scopeMap", token.scopeMap(),
                "status", token.enabled() ? "enabled" : "disabled",
                "credentials", Map.of("username", token.name(), "passwords", passwords));
    }

    private static Map<String, Object> password(String name, Instant expiry) {
        return expiry == null ? Map.of("name", name) : Map.of("name", name, "expiry", AcrTime.format(expiry));
    }
}
