package dev.drydock.registry.service;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import dev.drydock.devstack.DevStackTestResource;
import dev.drydock.registry.clients.Command;
import dev.drydock.registry.clients.OciLayout;
import dev.drydock.registry.testing.Oci;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Identity and access with authentication on: the token flow, each kind of credential, and their limits. */
@QuarkusTest
@TestProfile(AccessControlTest.AuthOn.class)
@WithTestResource(value = DevStackTestResource.class, scope = TestResourceScope.GLOBAL)
class AccessControlTest {

    static final String ADMIN = "drydock-admin";
    static final String ADMIN_PASSWORD = "bootstrap-" + UUID.randomUUID();

    public static class AuthOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // a fifth of ACR's limits: a Standard identity may read 1,000 times a minute, write 200 times
            return Map.ofEntries(Map.entry("drydock.registry.auth.enabled", "true"),
                    Map.entry("drydock.registry.auth.management-password", ADMIN_PASSWORD),
                    Map.entry("drydock.registry.auth.task-service-secret", "task-secret"),
                    Map.entry("drydock.registry.auth.instance-service-secret", "instance-secret"),
                    Map.entry("drydock.registry.auth.rate-limit-scale", "0.2"),
                    // long enough that a loaded machine's test sees a block before it ends
                    Map.entry("drydock.registry.auth.throttle.first-block",
                            CredentialLifecycleTest.FIRST_BLOCK_SECONDS + "s"),
                    // a site whose one peer never answers (SitesAccessTest)
                    Map.entry("drydock.registry.site.name", "here"),
                    Map.entry("drydock.registry.site.peers", "there=http://127.0.0.1:9"),
                    Map.entry("drydock.registry.auth.replication-secret", SitesAccessTest.REPLICATION_SECRET));
        }
    }

    @Inject
    TokenSigner signer;

    @Inject
    io.vertx.mutiny.sqlclient.Pool pool;

    @TempDir
    Path work;

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String token(String host, String authorization, String... scopes) {
        RequestSpecification request = Oci.at(host);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        for (String scope : scopes) {
            request.queryParam("scope", scope);
        }
        return request.get("/oauth2/token").then().statusCode(200).extract().jsonPath().getString("token");
    }

    private static RequestSpecification bearer(String host, String token) {
        return Oci.at(host).header("Authorization", "Bearer " + token);
    }

    /** The management API, as the bootstrap administrator. */
    private static RequestSpecification admin() {
        return given().header("Authorization", basic(ADMIN, ADMIN_PASSWORD)).contentType(ContentType.JSON);
    }

    private String newRegistry(String sku, String extra) {
        String name = "auth" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        admin().body("{\"name\":\"" + name + "\",\"sku\":{\"name\":\"" + sku + "\"}" + extra + "}")
                .post("/api/v1/registries").then().statusCode(201);
        return name;
    }

    @Test
    void signingKeysAreEncryptedInTheDatabase() {
        // a copy of the database alone (a dump, a backup, a reader of the table) cannot forge a token
        var rows = pool.query("select kid, private_key from signing_key").execute().await().atMost(Duration.ofSeconds(10));
        assertTrue(rows.rowCount() > 0);
        for (var row : rows) {
            byte[] stored = row.getBuffer("private_key").getBytes();
            assertTrue(SecretCipher.encrypted(stored), row.getString("kid"));
            assertThrows(java.security.spec.InvalidKeySpecException.class, () -> java.security.KeyFactory
                    .getInstance("RSA").generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(stored)));
        }
        assertTrue(signer.selfTest(), "the service itself still signs and verifies");
    }

    @Test
    void theChallengeNamesTheTokenEndpointAndTheScope() {
        Response base = given().get("/v2/");
        base.then().statusCode(401).body("errors[0].code", equalTo("UNAUTHORIZED"));
        assertEquals("Bearer realm=\"http://localhost:" + RestAssured.port + "/oauth2/token\","
                + "service=\"default.drydock.localhost\"", base.header("WWW-Authenticate"));
        given().get("/v2/app/manifests/v1").then().statusCode(401).header("WWW-Authenticate",
                containsString("scope=\"repository:app:pull\""));
        given().get("/acr/v1/_catalog").then().statusCode(401).header("WWW-Authenticate",
                containsString("scope=\"registry:catalog:*\""));
        given().header("Authorization", basic(ADMIN, "wrong")).get("/oauth2/token").then().statusCode(401);
    }

    @Test
    void tokensGrantWhatWasAskedForAndNoMore() {
        String admin = basic(ADMIN, ADMIN_PASSWORD);
        String pushToken = token(null, admin, "repository:auth/app:pull,push");
        String location = bearer(null, pushToken).post("/v2/auth/app/blobs/uploads/").then().statusCode(202)
                .extract().header("Location");
        byte[] blob = Oci.bytes(100);
        bearer(null, pushToken).contentType("application/octet-stream").body(blob)
                .put(location + "?digest=" + Oci.digest(blob)).then().statusCode(201);

        String pullToken = token(null, admin, "repository:auth/app:pull");
        bearer(null, pullToken).head("/v2/auth/app/blobs/" + Oci.digest(blob)).then().statusCode(200);
        Response refused = bearer(null, pullToken).post("/v2/auth/app/blobs/uploads/");
        refused.then().statusCode(401);
        assertEquals(true, refused.header("WWW-Authenticate").contains("error=\"insufficient_scope\""));
        bearer(null, pullToken).delete("/v2/auth/app/blobs/" + Oci.digest(blob)).then().statusCode(401);
        bearer(null, pullToken).get("/v2/_catalog").then().statusCode(401);
        // Basic credentials work directly too
        given().header("Authorization", admin).head("/v2/auth/app/blobs/" + Oci.digest(blob)).then().statusCode(200);
    }

    @Test
    void aTokenOfOneRegistryIsWorthlessOnAnotherAndTamperedOrExpiredTokensAreRefused() {
        String other = newRegistry("Standard", "") + ".drydock.localhost";
        String admin = basic(ADMIN, ADMIN_PASSWORD);
        String forDefault = token(null, admin, "repository:auth/x:pull");
        bearer(other, forDefault).get("/v2/auth/x/tags/list").then().statusCode(401)
                .header("WWW-Authenticate", containsString("error=\"invalid_token\""));

        String[] parts = forDefault.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("auth/x", "auth/y");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        bearer(null, tampered).get("/v2/auth/y/tags/list").then().statusCode(401);

        long past = Instant.now().getEpochSecond() - 3600;
        String expired = signer.sign(Map.of("iss", "drydock", "sub", ADMIN, "aud", "default.drydock.localhost",
                "iat", past, "nbf", past, "exp", past + 60, "grant_type", "access_token",
                "access", List.of(Map.of("type", "repository", "name", "auth/x", "actions", List.of("pull")))));
        bearer(null, expired).get("/v2/auth/x/tags/list").then().statusCode(401)
                .header("WWW-Authenticate", containsString("invalid_token"));
    }

    @Test
    void theAdminUserWorksWhileEnabledAndRefreshTokensStandForIt() {
        String registry = newRegistry("Standard", ",\"adminUserEnabled\":true");
        String host = registry + ".drydock.localhost";
        String first = admin().body("{\"name\":\"password\"}").post("/api/v1/registries/" + registry
                + "/credentials/regenerate").then().statusCode(200).extract().jsonPath().getString("passwords[0].value");
        String second = admin().body("{\"name\":\"password2\"}").post("/api/v1/registries/" + registry
                + "/credentials/regenerate").then().statusCode(200).extract().jsonPath().getString("passwords[0].value");
        for (String password : List.of(first, second)) {
            String t = token(host, basic(registry, password), "repository:app:pull,push");
            bearer(host, t).post("/v2/app/blobs/uploads/").then().statusCode(202);
        }
        // a token of the admin user is bound to its registry
        Oci.at(null).header("Authorization", basic(registry, first)).get("/oauth2/token").then().statusCode(401);

        Response offline = Oci.at(host).header("Authorization", basic(registry, first))
                .queryParam("offline_token", "true").get("/oauth2/token");
        String refresh = offline.then().statusCode(200).extract().jsonPath().getString("refresh_token");
        assertNotNull(refresh);
        String viaPost = Oci.at(host).contentType(ContentType.URLENC).formParam("grant_type", "refresh_token")
                .formParam("refresh_token", refresh).formParam("scope", "repository:app:pull")
                .post("/oauth2/token").then().statusCode(200).extract().jsonPath().getString("access_token");
        bearer(host, viaPost).get("/v2/app/tags/list").then().statusCode(404);
        token(host, basic("00000000-0000-0000-0000-000000000000", refresh), "repository:app:pull");

        admin().body("{\"adminUserEnabled\":false}").patch("/api/v1/registries/" + registry).then().statusCode(200)
                .body("adminUserEnabled", equalTo(false));
        Oci.at(host).header("Authorization", basic(registry, first)).get("/oauth2/token").then().statusCode(401);
        Oci.at(host).header("Authorization", basic(registry, first)).get("/v2/app/tags/list").then().statusCode(401);
        Oci.at(host).contentType(ContentType.URLENC).formParam("grant_type", "refresh_token")
                .formParam("refresh_token", refresh).post("/oauth2/token").then().statusCode(401);
    }

    @Test
    void anonymousPullOnlyWhereEnabledAndAllowedBySku() {
        String standard = newRegistry("Standard", ",\"anonymousPullEnabled\":true");
        String basicSku = newRegistry("Basic", "");
        admin().body("{\"anonymousPullEnabled\":true}").patch("/api/v1/registries/" + basicSku).then().statusCode(409);
        for (String registry : List.of(standard, basicSku)) {
            String host = registry + ".drydock.localhost";
            String t = token(host, basic(ADMIN, ADMIN_PASSWORD), "repository:pub/app:pull,push");
            String location = bearer(host, t).post("/v2/pub/app/blobs/uploads/").then().statusCode(202)
                    .extract().header("Location");
            byte[] blob = Oci.bytes(64);
            bearer(host, t).contentType("application/octet-stream").body(blob)
                    .put(location + "?digest=" + Oci.digest(blob)).then().statusCode(201);
            int expected = registry.equals(standard) ? 200 : 401;
            Oci.at(host).head("/v2/pub/app/blobs/" + Oci.digest(blob)).then().statusCode(expected);
            Oci.at(host).get("/oauth2/token?scope=repository:pub/app:pull").then().statusCode(expected);
            Oci.at(host).post("/v2/pub/app/blobs/uploads/").then().statusCode(401);
        }
    }

    @Test
    void repositoryTokensGetWhatTheirScopeMapsAddUpTo() {
        String registry = newRegistry("Standard", "");
        String host = registry + ".drydock.localhost";
        String base = "/api/v1/registries/" + registry;
        admin().body("""
                {"name":"teammap","description":"the team","actions":["repositories/team/*/content/read",\
                "repositories/team/*/metadata/read","repositories/team/app/content/write"]}""")
                .post(base + "/scope-maps").then().statusCode(201).body("type", equalTo("UserDefined"));
        admin().body("{\"name\":\"badmap1\",\"actions\":[\"repositories/team/*/x/y\"]}").post(base + "/scope-maps")
                .then().statusCode(400);
        Response created = admin().body("{\"name\":\"ci-token\",\"scopeMap\":\"teammap\"}").post(base + "/tokens");
        created.then().statusCode(201).body("credentials.passwords.name", equalTo(List.of("password1", "password2")));
        String ci = basic("ci-token", created.jsonPath().getString("credentials.passwords[0].value"));
        // shown once: reading the token back gives names, never values
        admin().get(base + "/tokens/ci-token").then().statusCode(200)
                .body("credentials.passwords[0].value", org.hamcrest.Matchers.nullValue());
        admin().delete(base + "/scope-maps/teammap").then().statusCode(409);
        Response granted = Oci.at(host).header("Authorization", ci).queryParam("scope", "repository:team/app:pull,push")
                .queryParam("scope", "repository:team/other:pull,push").queryParam("scope", "repository:else:pull")
                .queryParam("scope", "registry:catalog:*").get("/oauth2/token");
        granted.then().statusCode(200).body("scope", startsWith("repository:team/app:pull,push"));
        assertEquals("repository:team/app:pull,push repository:team/other:pull", granted.jsonPath().getString("scope"));
        String t = granted.jsonPath().getString("token");
        bearer(host, t).post("/v2/team/app/blobs/uploads/").then().statusCode(202);
        bearer(host, t).post("/v2/team/other/blobs/uploads/").then().statusCode(401);
        bearer(host, t).get("/v2/_catalog").then().statusCode(401);
        // /acr/v1 reads need metadata_read, granted by the map
        String meta = token(host, ci, "repository:team/app:metadata_read");
        bearer(host, meta).get("/acr/v1/team/app/_tags").then().statusCode(404);
        bearer(host, meta).contentType(ContentType.JSON).body("{\"writeEnabled\":false}")
                .patch("/acr/v1/team/app").then().statusCode(401);
        Oci.at(host).header("Authorization", basic("ci-token", "wrong")).get("/oauth2/token").then().statusCode(401);
        admin().body("{\"status\":\"disabled\"}").patch(base + "/tokens/ci-token").then().statusCode(200)
                .body("status", equalTo("disabled"));
        Oci.at(host).header("Authorization", ci).get("/oauth2/token").then().statusCode(401);
    }

    /** Every data-plane route, and the scope it needs. */
    private static final List<List<String>> ROUTES = List.of(
            List.of("GET", "/v2/", ""),
            List.of("GET", "/v2/_catalog", "registry:catalog:*"),
            List.of("GET", "/v2/route/app/tags/list", "repository:route/app:pull"),
            List.of("GET", "/v2/route/app/referrers/" + Oci.digest(new byte[0]), "repository:route/app:pull"),
            List.of("GET", "/v2/route/app/manifests/v1", "repository:route/app:pull"),
            List.of("HEAD", "/v2/route/app/manifests/v1", "repository:route/app:pull"),
            List.of("PUT", "/v2/route/app/manifests/v1", "repository:route/app:pull,push"),
            List.of("DELETE", "/v2/route/app/manifests/v1", "repository:route/app:delete"),
            List.of("GET", "/v2/route/app/blobs/" + Oci.digest(new byte[0]), "repository:route/app:pull"),
            List.of("HEAD", "/v2/route/app/blobs/" + Oci.digest(new byte[0]), "repository:route/app:pull"),
            List.of("DELETE", "/v2/route/app/blobs/" + Oci.digest(new byte[0]), "repository:route/app:delete"),
            List.of("POST", "/v2/route/app/blobs/uploads/", "repository:route/app:pull,push"),
            List.of("GET", "/v2/route/app/blobs/uploads/" + UUID.randomUUID(), "repository:route/app:pull,push"),
            List.of("PATCH", "/v2/route/app/blobs/uploads/" + UUID.randomUUID(), "repository:route/app:pull,push"),
            List.of("PUT", "/v2/route/app/blobs/uploads/" + UUID.randomUUID(), "repository:route/app:pull,push"),
            List.of("DELETE", "/v2/route/app/blobs/uploads/" + UUID.randomUUID(), "repository:route/app:pull,push"),
            List.of("GET", "/acr/v1/_catalog", "registry:catalog:*"),
            List.of("GET", "/acr/v1/route/app", "repository:route/app:metadata_read"),
            List.of("PATCH", "/acr/v1/route/app", "repository:route/app:metadata_write"),
            List.of("DELETE", "/acr/v1/route/app", "repository:route/app:delete"),
            List.of("GET", "/acr/v1/route/app/_tags", "repository:route/app:metadata_read"),
            List.of("GET", "/acr/v1/route/app/_tags/v1", "repository:route/app:metadata_read"),
            List.of("PATCH", "/acr/v1/route/app/_tags/v1", "repository:route/app:metadata_write"),
            List.of("DELETE", "/acr/v1/route/app/_tags/v1", "repository:route/app:metadata_write"),
            List.of("GET", "/acr/v1/route/app/_manifests", "repository:route/app:metadata_read"),
            List.of("GET", "/acr/v1/route/app/_manifests/" + Oci.digest(new byte[0]),
                    "repository:route/app:metadata_read"),
            List.of("PATCH", "/acr/v1/route/app/_manifests/" + Oci.digest(new byte[0]),
                    "repository:route/app:metadata_write"),
            List.of("GET", "/acr/v1/_deleted/_catalog", "registry:catalog:*"),
            List.of("GET", "/acr/v1/route/app/_deleted/_manifests", "repository:route/app:metadata_read"),
            List.of("GET", "/acr/v1/route/app/_deleted/_tags", "repository:route/app:metadata_read"),
            List.of("POST", "/acr/v1/route/app/_deleted/_restore", "repository:route/app:push"));

    /** Management routes: the administrator only. */
    private static final List<List<String>> MANAGEMENT_ROUTES = List.of(
            List.of("GET", "/api/v1/registries"), List.of("POST", "/api/v1/registries"),
            List.of("GET", "/api/v1/registries/default"), List.of("PATCH", "/api/v1/registries/default"),
            List.of("DELETE", "/api/v1/registries/nosuchone1"), List.of("GET", "/api/v1/registries/default/usages"),
            List.of("GET", "/api/v1/registries/default/usages/repositories"),
            List.of("GET", "/api/v1/registries/default/check-health"),
            List.of("POST", "/api/v1/registries/default/import"), List.of("POST", "/api/v1/gc"),
            List.of("GET", "/api/v1/registries/default/webhooks"),
            List.of("POST", "/api/v1/registries/default/webhooks"),
            List.of("GET", "/api/v1/registries/default/webhooks/nosuchhook/events"),
            List.of("POST", "/api/v1/registries/default/credentials/regenerate"),
            List.of("GET", "/api/v1/registries/default/scope-maps"),
            List.of("POST", "/api/v1/registries/default/scope-maps"),
            List.of("GET", "/api/v1/registries/default/tokens"), List.of("POST", "/api/v1/registries/default/tokens"),
            List.of("POST", "/api/v1/registries/default/tokens/nosuchtoken/credentials"),
            List.of("GET", "/api/v1/signing-keys"), List.of("POST", "/api/v1/signing-keys/rotate"));

    @Test
    void everyRouteNeedsItsScopeAndNothingLess() {
        String admin = basic(ADMIN, ADMIN_PASSWORD);
        String unrelated = token(null, admin, "repository:elsewhere/app:pull,push,delete,metadata_read,metadata_write");
        for (List<String> route : ROUTES) {
            String method = route.get(0);
            String path = route.get(1);
            String what = method + " " + path;
            Response anonymous = given().body(new byte[0]).request(method, path);
            assertEquals(401, anonymous.statusCode(), what + " without credentials");
            Response wrong = bearer(null, unrelated).body(new byte[0]).request(method, path);
            int expectedWrong = route.get(2).isEmpty() ? 200 : 401;
            assertEquals(expectedWrong, wrong.statusCode(), what + " with a token for another repository");
            if (!route.get(2).isEmpty()) {
                String right = token(null, admin, route.get(2));
                int status = bearer(null, right).contentType(ContentType.JSON).body("{}").request(method, path)
                        .statusCode();
                assertTrue(status != 401 && status != 403,
                        what + " with " + route.get(2) + " answered " + status);
            }
        }
        for (List<String> route : MANAGEMENT_ROUTES) {
            String what = route.get(0) + " " + route.get(1);
            assertEquals(401, given().contentType(ContentType.JSON).body("{}").request(route.get(0), route.get(1))
                    .statusCode(), what + " without credentials");
            assertEquals(401, given().header("Authorization", "Bearer " + unrelated).contentType(ContentType.JSON)
                    .body("{}").request(route.get(0), route.get(1)).statusCode(), what + " with a registry token");
            int status = admin().body("{}").request(route.get(0), route.get(1)).statusCode();
            assertTrue(status != 401 && status != 403,
                    what + " as administrator answered " + status);
        }
    }

    @Test
    void anIdentityOverItsRateLimitGets429AndRecovers() {
        String registry = newRegistry("Standard", ",\"anonymousPullEnabled\":true");
        String host = registry + ".drydock.localhost";
        String t = token(host, basic(ADMIN, ADMIN_PASSWORD), "repository:limited/app:pull,push");
        String location = bearer(host, t).post("/v2/limited/app/blobs/uploads/").then().statusCode(202)
                .extract().header("Location");
        byte[] blob = Oci.bytes(32);
        bearer(host, t).contentType("application/octet-stream").body(blob)
                .put(location + "?digest=" + Oci.digest(blob)).then().statusCode(201);
        String path = "/v2/limited/app/blobs/" + Oci.digest(blob);
        Response limited = null;
        for (int i = 0; i < 1200 && limited == null; i++) {
            Response r = Oci.at(host).get(path);
            if (r.statusCode() == 429) {
                limited = r;
            } else {
                assertEquals(200, r.statusCode());
            }
        }
        assertNotNull(limited, "anonymous reads beyond 1,000 a minute are throttled");
        int retryAfter = Integer.parseInt(limited.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
        limited.then().body("errors[0].code", equalTo("TOOMANYREQUESTS"));
        // another identity has its own bucket
        bearer(host, t).head(path).then().statusCode(200);
        await().atMost(Duration.ofSeconds(retryAfter + 5))
                .until(() -> Oci.at(host).head(path).statusCode() == 200);
    }

    @Test
    void theManagementApiAnswersOnlyTheAdministrator() {
        given().get("/api/v1/registries").then().statusCode(401).header("WWW-Authenticate", startsWith("Basic"));
        given().header("Authorization", basic(ADMIN, "wrong")).get("/api/v1/registries").then().statusCode(401);
        given().header("Authorization", basic("task-service", "task-secret")).get("/api/v1/registries")
                .then().statusCode(401);
        admin().get("/api/v1/registries").then().statusCode(200);
        // a rotation keeps earlier tokens valid
        String before = token(null, basic(ADMIN, ADMIN_PASSWORD), "repository:auth/rot:pull");
        String kid = admin().post("/api/v1/signing-keys/rotate").then().statusCode(200).extract().jsonPath()
                .getString("signing");
        admin().get("/api/v1/signing-keys").then().body("signing", equalTo(kid));
        bearer(null, before).get("/v2/auth/rot/tags/list").then().statusCode(404);
    }

    @Test
    void theTaskServicePushesAndPurgesEverywhereTheInstanceServiceOnlyPulls() {
        String t = token(null, basic("task-service", "task-secret"), "repository:built/app:pull,push,delete");
        bearer(null, t).post("/v2/built/app/blobs/uploads/").then().statusCode(202);
        assertTrue(JsonPath.from(new String(Base64.getUrlDecoder().decode(t.split("\\.")[1])))
                .getList("access[0].actions").contains("delete"), "purges delete");
        String i = token(null, basic("instance-service", "instance-secret"), "repository:built/app:pull,push");
        bearer(null, i).post("/v2/built/app/blobs/uploads/").then().statusCode(401);
        given().header("Authorization", basic("task-service", "nope")).get("/oauth2/token").then().statusCode(401);
    }

    private List<String> containers(String tool, String... args) {
        return Command.containers(work, tool, args);
    }

    @Test
    void podmanLogsInAndBuildahPushesWithCredentials() throws Exception {
        Command.require("podman");
        Command.require("buildah");
        String registry = "127.0.0.1:" + RestAssured.port;
        Path authFile = work.resolve("auth.json");
        Command.run(work, containers("podman", "login", "--tls-verify=false", "--authfile", authFile.toString(),
                "-u", ADMIN, "-p", ADMIN_PASSWORD, registry));
        Files.writeString(work.resolve("hello.txt"), "logged in\n");
        String container = Command.run(work, containers("buildah", "from", "scratch")).strip();
        Command.run(work, containers("buildah", "copy", container, work.resolve("hello.txt").toString(), "/hello.txt"));
        Command.run(work, containers("buildah", "commit", container, "localhost/authed:v1"));
        // with the file podman login wrote, then with --creds
        Command.run(work, containers("buildah", "push", "--tls-verify=false", "--authfile", authFile.toString(),
                "localhost/authed:v1", "docker://" + registry + "/clients/auth/podman:v1"));
        Command.run(work, containers("buildah", "push", "--tls-verify=false", "--creds",
                ADMIN + ":" + ADMIN_PASSWORD, "localhost/authed:v1", "docker://" + registry + "/clients/auth/buildah:v1"));
        for (String repo : List.of("podman", "buildah")) {
            given().header("Authorization", basic(ADMIN, ADMIN_PASSWORD))
                    .head("/v2/clients/auth/" + repo + "/manifests/v1").then().statusCode(200);
        }
        // without credentials the push is refused
        assertThrows(AssertionError.class, () -> Command.run(work,
                containers("buildah", "push", "--tls-verify=false", "localhost/authed:v1",
                        "docker://" + registry + "/clients/auth/anonymous:v1")));
    }

    @Test
    void jibPushesWithCredentials() throws Exception {
        Path file = work.resolve("app.txt");
        Files.writeString(file, "built by jib, logged in\n");
        // Jib sends credentials over plain HTTP only when told to, as its users must for a local registry
        System.setProperty("sendCredentialsOverHttp", "true");
        JibContainer container = Jib.fromScratch()
                .addLayer(List.of(file), AbsoluteUnixPath.get("/app"))
                .containerize(Containerizer.to(RegistryImage.named("127.0.0.1:" + RestAssured.port
                                        + "/clients/auth/jib:v1").addCredential(ADMIN, ADMIN_PASSWORD))
                        .setAllowInsecureRegistries(true));
        given().header("Authorization", basic(ADMIN, ADMIN_PASSWORD)).head("/v2/clients/auth/jib/manifests/v1")
                .then().statusCode(200).header("Docker-Content-Digest", container.getDigest().toString());
    }

    @Test
    void skopeoLogsInThroughTheTokenFlow() {
        Command.require("skopeo");
        OciLayout layout = new OciLayout(work.resolve("in"));
        layout.tag(layout.image(work, "amd64", List.of("authenticated")), "v1");
        String target = "docker://127.0.0.1:" + RestAssured.port + "/clients/auth/app:v1";
        Command.run(work, "skopeo", "copy", "--dest-tls-verify=false", "--dest-creds", ADMIN + ":" + ADMIN_PASSWORD,
                "oci:" + work.resolve("in") + ":v1", target);
        Command.run(work, "skopeo", "inspect", "--tls-verify=false", "--creds", ADMIN + ":" + ADMIN_PASSWORD, target);
        given().header("Authorization", basic(ADMIN, ADMIN_PASSWORD)).get("/v2/clients/auth/app/tags/list")
                .then().statusCode(200).body("tags", equalTo(List.of("v1")));
    }
}
