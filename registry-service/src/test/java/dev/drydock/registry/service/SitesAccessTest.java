package dev.drydock.registry.service;

import dev.drydock.devstack.DevStackTestResource;
import dev.drydock.registry.domain.auth.PasswordHash;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/**
 * Geo-replication's doors, attacked: the sites API answers only the replication identity and nothing else answers
 * it; a replica's configuration comes only from its home and never overwrites a registry of this site; credentials
 * sent by the home work at the replica and die with the home's next configuration; replications need Premium and a
 * configured site, and a replica refuses the home's changes made here.
 */
@QuarkusTest
@TestProfile(AccessControlTest.AuthOn.class)
@WithTestResource(value = DevStackTestResource.class, scope = TestResourceScope.GLOBAL)
class SitesAccessTest {

    static final String REPLICATION_SECRET = "replication-" + UUID.randomUUID();
    private static final String REPLICATOR = "drydock-replicator";

    private static RequestSpecification as(String user, String password) {
        return given().auth().preemptive().basic(user, password).contentType(ContentType.JSON);
    }

    private static RequestSpecification admin() {
        return as(AccessControlTest.ADMIN, AccessControlTest.ADMIN_PASSWORD);
    }

    /** The replication identity, calling as the configured peer "there". */
    private static RequestSpecification there() {
        return as(REPLICATOR, REPLICATION_SECRET).header("X-Drydock-Site", "there");
    }

    private static String name(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    @Test
    void theSitesApiAnswersOnlyTheReplicationIdentityAndNothingElseAnswersIt() {
        String path = "/api/v1/sites/registries/default/inventory";
        admin().get(path).then().statusCode(401);
        as(REPLICATOR, "wrong-" + REPLICATION_SECRET).get(path).then().statusCode(401);
        given().get(path).then().statusCode(401);
        there().get(path).then().statusCode(200);
        // the replication identity is no administrator
        there().get("/api/v1/registries").then().statusCode(401);
        there().body("{\"name\":\"" + name("takeover") + "\"}").post("/api/v1/registries").then().statusCode(401);
        // on the data plane it reads, it does not write
        there().post("/v2/anything/blobs/uploads/").then().statusCode(403);
    }

    @Test
    void aReplicaComesFromItsHomeAndNeverReplacesARegistryOfThisSite() {
        String local = name("local");
        admin().body("{\"name\":\"" + local + "\",\"sku\":{\"name\":\"Premium\"}}").post("/api/v1/registries")
                .then().statusCode(201);
        there().body(configuration(local, "there", new JsonArray()).encode())
                .put("/api/v1/sites/registries/" + local).then().statusCode(409)
                .body("error.message", containsString("not a replica"));

        String replica = name("replica");
        // a home that is not the caller, or not a configured site, is refused
        there().body(configuration(replica, "elsewhere", new JsonArray()).encode())
                .put("/api/v1/sites/registries/" + replica).then().statusCode(400);
        as(REPLICATOR, REPLICATION_SECRET).header("X-Drydock-Site", "elsewhere")
                .body(configuration(replica, "there", new JsonArray()).encode())
                .put("/api/v1/sites/registries/" + replica).then().statusCode(400);
        admin().get("/api/v1/registries/" + replica).then().statusCode(404);
    }

    @Test
    void credentialsFromTheHomeWorkAtTheReplicaAndDieWithItsNextConfiguration() {
        String replica = name("replica");
        String tokenPassword = "token-" + UUID.randomUUID();
        JsonArray tokens = new JsonArray().add(new JsonObject().put("name", "ci")
                .put("scope_map", "_repositories_pull").put("status", "enabled")
                .put("password1", PasswordHash.hash(tokenPassword)).put("password1_generation", 1)
                .put("password2_generation", 0));
        there().body(configuration(replica, "there", tokens).encode()).put("/api/v1/sites/registries/" + replica)
                .then().statusCode(200).body("applied", equalTo("CREATED"));
        String host = replica.toLowerCase() + ".drydock.localhost";
        given().header("Host", host).auth().preemptive().basic("ci", tokenPassword).get("/v2/").then().statusCode(200);

        // the home deleted the token: its next configuration lacks it
        there().body(configuration(replica, "there", new JsonArray()).encode())
                .put("/api/v1/sites/registries/" + replica).then().statusCode(200).body("applied", equalTo("UPDATED"));
        given().header("Host", host).auth().preemptive().basic("ci", tokenPassword).get("/v2/").then().statusCode(401);

        // the control plane is the home's
        admin().body("{\"location\":\"there\"}").post("/api/v1/registries/" + replica + "/replications").then()
                .statusCode(409).body("error.message", containsString("replica"));
        admin().delete("/api/v1/registries/" + replica).then().statusCode(409);
        admin().body("{\"sku\":{\"name\":\"Basic\"}}").patch("/api/v1/registries/" + replica).then().statusCode(409);
        admin().body("{\"name\":\"ci-deployer\",\"scopeMap\":\"_repositories_admin\"}")
                .post("/api/v1/registries/" + replica + "/tokens").then().statusCode(409);
        there().delete("/api/v1/sites/registries/" + replica).then().statusCode(204);
        admin().get("/api/v1/registries/" + replica).then().statusCode(404);
    }

    @Test
    void replicationsNeedPremiumAndAConfiguredSite() {
        String standard = name("standard");
        admin().body("{\"name\":\"" + standard + "\",\"sku\":{\"name\":\"Standard\"}}").post("/api/v1/registries")
                .then().statusCode(201);
        admin().body("{\"location\":\"there\"}").post("/api/v1/registries/" + standard + "/replications").then()
                .statusCode(409).body("error.code", equalTo("SkuLimitExceeded"));

        String premium = name("premium");
        String replications = "/api/v1/registries/" + premium + "/replications";
        admin().body("{\"name\":\"" + premium + "\",\"sku\":{\"name\":\"Premium\"}}").post("/api/v1/registries")
                .then().statusCode(201);
        admin().body("{\"location\":\"nowhere\"}").post(replications).then().statusCode(400)
                .body("error.message", containsString("there"));
        // the site never answers: the replication stands, Creating and unavailable, saying why
        admin().body("{\"location\":\"there\"}").post(replications).then().statusCode(201)
                .body("properties.provisioningState", equalTo("Creating"))
                .body("properties.status.displayStatus", equalTo("Unavailable"))
                .body("properties.status.message", containsString("cannot be reached"));
        admin().body("{\"location\":\"there\"}").post(replications).then().statusCode(409);
        admin().get(replications).then().statusCode(200).body("value", hasSize(1));
        admin().delete("/api/v1/registries/" + premium).then().statusCode(409)
                .body("error.message", containsString("replications"));
        admin().delete(replications + "/there").then().statusCode(202);
        admin().get(replications + "/there").then().statusCode(200)
                .body("properties.provisioningState", equalTo("Deleting"));
    }

    /** What a home site sends: the registry's settings and credentials (columns as the schema names them). */
    private static JsonObject configuration(String name, String home, JsonArray tokens) {
        return new JsonObject().put("name", name).put("home", home)
                .put("registry", new JsonObject().put("sku", "Premium").put("admin_enabled", false))
                .put("scopeMaps", new JsonArray()).put("tokens", tokens)
                .put("replications", new JsonArray().add(new JsonObject().put("location", "here")));
    }
}
