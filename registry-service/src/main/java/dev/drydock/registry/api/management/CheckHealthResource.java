package dev.drydock.registry.api.management;

import dev.drydock.registry.service.RegistryService;
import dev.drydock.registry.service.TokenSigner;
import io.smallrye.health.SmallRyeHealthReporter;
import io.smallrye.mutiny.Uni;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * GET /api/v1/registries/{registry}/check-health: the server side of az acr check-health. It checks the registry
 * exists, and what serving it needs: a token signing key, writable blob storage, the database (readiness), the Kafka
 * broker events go to (wellness: its absence delays events, it does not stop the registry). Each failure carries an
 * error code in ACR's style. 200 when healthy, else 503.
 */
@Path("/api/v1/registries/{registry}/check-health")
@Produces(MediaType.APPLICATION_JSON)
public class CheckHealthResource {

    private final RegistryService registries;
    private final SmallRyeHealthReporter health;
    private final TokenSigner signer;

    CheckHealthResource(RegistryService registries, SmallRyeHealthReporter health, TokenSigner signer) {
        this.registries = registries;
        this.health = health;
        this.signer = signer;
    }

    @GET
    public Uni<Response> check(@PathParam("registry") String name) {
        // readiness (the database, storage) and wellness (the Kafka broker, which readiness leaves out)
        return registries.get(name).chain(registry -> Uni.combine().all()
                .unis(health.getReadinessAsync(), health.getWellnessAsync()).asTuple().map(reports -> {
            List<Map<String, Object>> checks = new ArrayList<>();
            checks.add(check("Registry", true, null, "login server " + registry.loginServer()));
            boolean signing = signer.selfTest();
            checks.add(check("TokenSigning", signing, signing ? null : "TOKEN_SIGNING_ERROR",
                    signing ? "key " + signer.signingKeyId() : "no signing key signs and verifies"));
            for (JsonValue value : Stream.of(reports.getItem1(), reports.getItem2())
                    .flatMap(report -> report.getPayload().getJsonArray("checks").stream()).toList()) {
                JsonObject check = value.asJsonObject();
                String checkName = check.getString("name");
                boolean up = "UP".equals(check.getString("status"));
                JsonObject data = check.containsKey("data") ? check.getJsonObject("data") : null;
                checks.add(check(label(checkName), up, up ? null : errorCode(checkName),
                        data == null ? checkName : checkName + ": " + data));
            }
            boolean healthy = checks.stream().allMatch(c -> "OK".equals(c.get("status")));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("registry", registry.name());
            body.put("loginServer", registry.loginServer());
            body.put("healthy", healthy);
            body.put("checks", checks);
            return Response.status(healthy ? 200 : 503).entity(body).build();
        }));
    }

    private static Map<String, Object> check(String name, boolean ok, String errorCode, String message) {
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("name", name);
        check.put("status", ok ? "OK" : "ERROR");
        if (errorCode != null) {
            check.put("errorCode", errorCode);
        }
        check.put("message", message);
        return check;
    }

    private static String label(String check) {
        String c = check.toLowerCase(Locale.ROOT);
        if (c.contains("storage")) {
            return "Storage";
        }
        if (c.contains("postgres") || c.contains("database") || c.contains("datasource")) {
            return "Database";
        }
        if (c.contains("kafka") || c.contains("messaging")) {
            return "Events";
        }
        return check;
    }

    private static String errorCode(String check) {
        return switch (label(check)) {
            case "Storage" -> "STORAGE_ERROR";
            case "Database" -> "DATABASE_ERROR";
            case "Events" -> "EVENTS_ERROR";
            default -> "HEALTH_CHECK_ERROR";
        };
    }
}
