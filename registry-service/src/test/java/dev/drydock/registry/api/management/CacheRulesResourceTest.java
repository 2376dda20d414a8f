package dev.drydock.registry.api.management;

import dev.drydock.devstack.DevStackTestResource;
import dev.drydock.registry.testing.Oci;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static dev.drydock.registry.testing.Oci.at;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

/** az acr cache: the rules' API, ACR's checks on them, and what a cache target refuses. */
@QuarkusTest
@WithTestResource(value = DevStackTestResource.class, scope = TestResourceScope.GLOBAL)
class CacheRulesResourceTest {

    /** Rules are checked, not called, here: this host need not answer. */
    private static final String UPSTREAM = "127.0.0.1:9";

    @Inject
    Pool pool;

    private String registry;
    private String rules;

    @BeforeEach
    void registry() {
        registry = "rules" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        rules = "/api/v1/registries/" + registry + "/cacheRules";
        given().contentType(ContentType.JSON).body("{\"name\":\"" + registry + "\"}").post("/api/v1/registries")
                .then().statusCode(201);
    }

    @AfterEach
    void dropRegistry() {
        given().delete("/api/v1/registries/" + registry).then().statusCode(204);
    }

    @Test
    void aRuleIsCreatedListedShownUpdatedAndDeleted() {
        credentialSet("login-one", UPSTREAM);
        create("hub-nginx", "docker.io/nginx", "nginx", null).statusCode(201)
                .header("Location", containsString(rules + "/hub-nginx"))
                .body("sourceRepository", equalTo("docker.io/library/nginx"))
                .body("targetRepository", equalTo("nginx"))
                .body("provisioningState", equalTo("Succeeded"))
                .body("credentialSetResourceId", nullValue());
        create("upstream-app", UPSTREAM + "/team/app", "app", "login-one").statusCode(201)
                .body("credentialSetResourceId", equalTo("/api/v1/registries/" + registry
                        + "/credentialSets/login-one"));
        given().get(rules).then().statusCode(200).body("value", hasSize(2))
                .body("value[0].name", equalTo("hub-nginx"));

        given().contentType(ContentType.JSON).body("{\"removeCredentialSet\":true}").patch(rules + "/upstream-app")
                .then().statusCode(200).body("credentialSetResourceId", nullValue());
        given().contentType(ContentType.JSON).body("{\"credentialSet\":\"login-one\"}").patch(rules + "/upstream-app")
                .then().statusCode(200).body("credentialSetResourceId", containsString("login-one"));
        given().contentType(ContentType.JSON).body("{\"targetRepository\":\"other\"}").patch(rules + "/upstream-app")
                .then().statusCode(400).body("error.message", containsString("cannot change"));

        given().delete(rules + "/upstream-app").then().statusCode(204);
        given().get(rules + "/upstream-app").then().statusCode(404);
        given().delete(rules + "/upstream-app").then().statusCode(404);
    }

    @Test
    void rulesAreCheckedAsAcrChecksThem() {
        create("x", UPSTREAM + "/a", "a", null).statusCode(400).body("error.message", containsString("5 to 50"));
        create("mismatch", UPSTREAM + "/a", "team/*", null).statusCode(400)
                .body("error.message", containsString("wildcard"));
        create("badtarget", UPSTREAM + "/a", "Not_A_Name", null).statusCode(400);
        create("badsource", "no-path", "a", null).statusCode(400);

        Oci.pushImage(registry + ".drydock.localhost", "pushed/app", "v1", "");
        create("taken", UPSTREAM + "/a", "pushed/app", null).statusCode(409)
                .body("error.message", containsString("pushed/app exists"));
        create("taken-wild", UPSTREAM + "/*", "pushed/*", null).statusCode(409);

        create("static-one", UPSTREAM + "/a", "a", null).statusCode(201);
        create("static-two", UPSTREAM + "/b", "a", null).statusCode(409)
                .body("error.message", containsString("static-one"));
        create("wild-team", UPSTREAM + "/team/*", "team/*", null).statusCode(201);
        create("wild-inner", UPSTREAM + "/inner/*", "team/inner/*", null).statusCode(409)
                .body("error.message", containsString("overlap"));
        create("wild-all", UPSTREAM + "/*", "*", null).statusCode(409);
        // a static rule may sit inside a wildcard, and wins there
        create("static-inside", UPSTREAM + "/special", "team/special", null).statusCode(201);

        credentialSet("elsewhere", "quay.io");
        create("wrong-login", UPSTREAM + "/c", "c", "elsewhere").statusCode(400)
                .body("error.message", containsString("quay.io"));
        create("no-login", UPSTREAM + "/c", "c", "missing-set").statusCode(404);
    }

    @Test
    void aRegistryHoldsAtMostAThousandRules() {
        long id = pool.preparedQuery("select id from registry where name = $1").execute(Tuple.of(registry))
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getLong(0);
        // 1,000 rules straight into the table: through the API they would cost CI ten seconds
        pool.preparedQuery("""
                insert into cache_rule (registry_id, name, source_repository, target_repository)
                select $1, 'bulk-' || n, '127.0.0.1:9/bulk/' || n, 'bulk/' || n from generate_series(1, 1000) n""")
                .execute(Tuple.of(id)).await().atMost(Duration.ofSeconds(10));
        create("one-too-many", UPSTREAM + "/a", "a", null).statusCode(409)
                .body("error.code", equalTo("SkuLimitExceeded"));
        given().get(rules).then().statusCode(200).body("value", hasSize(1000));
    }

    @Test
    void upstreamsOnLoopbackOrLinkLocalAddressesNeedTheOperatorsConsent() {
        // the test profile allows 127.0.0.1 only; localhost, ::1 and the cloud metadata address stay refused
        create("local-name", "localhost:5000/a", "a", null).statusCode(400)
                .body("error.message", containsString("drydock.registry.cache.local-upstreams"));
        create("local-six", "[::1]:5000/a", "a", null).statusCode(400);
        create("metadata", "169.254.169.254/latest", "a", null).statusCode(400);
        create("itself", registry + ".drydock.localhost/a", "a", null).statusCode(400)
                .body("error.message", containsString("itself"));
    }

    @Test
    void aCacheTargetTakesNoPushesAndNoImports() {
        create("filled", UPSTREAM + "/team/app", "app", null).statusCode(201);
        create("filled-wild", UPSTREAM + "/lib/*", "lib/*", null).statusCode(201);
        String host = registry + ".drydock.localhost";
        Oci.assertError(at(host).post("/v2/app/blobs/uploads/"), 403, "DENIED");
        Oci.assertError(at(host).post("/v2/lib/deep/blobs/uploads/"), 403, "DENIED");
        Oci.assertError(Oci.putManifest(host, "app", "v1", Oci.OCI_MANIFEST, Oci.imageManifest("sha256:"
                + "0".repeat(64), 2, "sha256:" + "1".repeat(64), 2, "")), 403, "DENIED");
        given().contentType(ContentType.JSON).body("{\"source\":{\"registryUri\":\"" + UPSTREAM
                        + "\",\"sourceImage\":\"x:v1\"},\"targetTags\":[\"lib/x:v1\"]}")
                .post("/api/v1/registries/" + registry + "/import").then().statusCode(409)
                .body("error.message", containsString("filled-wild"));
        // elsewhere pushes go on
        Oci.pushImage(host, "own/app", "v1", "");
    }

    @Test
    void softDeleteAndCacheRulesExcludeEachOther() {
        given().contentType(ContentType.JSON).body("{\"sku\":{\"name\":\"Standard\"},"
                + "\"policies\":{\"softDeletePolicy\":{\"status\":\"enabled\",\"retentionDays\":7}}}")
                .patch("/api/v1/registries/" + registry).then().statusCode(200);
        create("refused", UPSTREAM + "/a", "a", null).statusCode(409).body("error.message",
                containsString("soft delete"));
        given().contentType(ContentType.JSON).body("{\"policies\":{\"softDeletePolicy\":{\"status\":\"disabled\"}}}")
                .patch("/api/v1/registries/" + registry).then().statusCode(200);
        create("accepted", UPSTREAM + "/a", "a", null).statusCode(201);
        given().contentType(ContentType.JSON).body("{\"policies\":{\"softDeletePolicy\":{\"status\":\"enabled\"}}}")
                .patch("/api/v1/registries/" + registry).then().statusCode(409)
                .body("error.message", containsString("cache rules"));
    }

    private ValidatableResponse create(String name, String source, String target, String set) {
        return given().contentType(ContentType.JSON).body("{\"name\":\"" + name + "\",\"sourceRepository\":\"" + source
                + "\",\"targetRepository\":\"" + target + "\"" + (set == null ? "" : ",\"credentialSet\":\"" + set
                + "\"") + "}").post(rules).then();
    }

    private void credentialSet(String name, String loginServer) {
        given().contentType(ContentType.JSON).body("{\"name\":\"" + name + "\",\"loginServer\":\"" + loginServer
                        + "\",\"username\":\"u\",\"password\":\"p\"}")
                .post("/api/v1/registries/" + registry + "/credentialSets").then().statusCode(201);
    }
}
