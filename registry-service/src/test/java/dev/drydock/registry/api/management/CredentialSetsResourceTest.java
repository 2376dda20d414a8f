package dev.drydock.registry.api.management;

import dev.drydock.devstack.DevStackTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** az acr credential-set: write-only secrets, sealed at rest, and ACR's rules for sets in use. */
@QuarkusTest
@WithTestResource(value = DevStackTestResource.class, scope = TestResourceScope.GLOBAL)
class CredentialSetsResourceTest {

    private static final String PASSWORD = "pw-" + UUID.randomUUID();

    @Inject
    Pool pool;

    private String registry;
    private String sets;

    @BeforeEach
    void registry() {
        registry = "creds" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        sets = "/api/v1/registries/" + registry + "/credentialSets";
        given().contentType(ContentType.JSON).body("{\"name\":\"" + registry + "\"}").post("/api/v1/registries")
                .then().statusCode(201);
    }

    @AfterEach
    void dropRegistry() {
        given().delete("/api/v1/registries/" + registry).then().statusCode(204);
    }

    @Test
    void secretsAreWriteOnlyAndSealedAtRest() {
        String created = given().contentType(ContentType.JSON).body(body("hub-login", "https://index.docker.io/"))
                .post(sets).then().statusCode(201)
                .body("loginServer", equalTo("docker.io"))
                .body("authCredentials[0].name", equalTo("Credential1"))
                .body("authCredentials[0].credentialHealth.status", equalTo("Healthy"))
                .extract().asString();
        assertFalse(created.contains(PASSWORD) || created.contains("hub-user"), created);
        given().get(sets).then().statusCode(200).body("value[0].name", equalTo("hub-login"))
                .body(not(containsString(PASSWORD))).body(not(containsString("hub-user")));
        given().get(sets + "/hub-login").then().statusCode(200).body(not(containsString(PASSWORD)));

        Row row = pool.preparedQuery("select username, password from credential_set where name = $1")
                .execute(Tuple.of("hub-login")).await().atMost(Duration.ofSeconds(10)).iterator().next();
        String stored = new String(row.getBuffer(0).getBytes(), StandardCharsets.ISO_8859_1)
                + new String(row.getBuffer(1).getBytes(), StandardCharsets.ISO_8859_1);
        assertTrue(stored.startsWith("DDK1"), "sealed with the service's key");
        assertFalse(stored.contains(PASSWORD) || stored.contains("hub-user"), "no secret in the clear");
    }

    @Test
    void badInputIsRefusedWithWhatIsWrong() {
        given().contentType(ContentType.JSON).body("{\"name\":\"no-secret\",\"loginServer\":\"quay.io\"}")
                .post(sets).then().statusCode(400).body("error.message", containsString("username and password"));
        given().contentType(ContentType.JSON).body(body("bad-server", "not a host")).post(sets).then()
                .statusCode(400).body("error.message", containsString("loginServer"));
        given().contentType(ContentType.JSON).body(body("x", "quay.io")).post(sets).then().statusCode(400);
        given().contentType(ContentType.JSON).body(body("twice", "quay.io")).post(sets).then().statusCode(201);
        given().contentType(ContentType.JSON).body(body("twice", "quay.io")).post(sets).then().statusCode(409);
        given().contentType(ContentType.JSON).body("{\"loginServer\":\"ghcr.io\",\"username\":\"u\",\"password\":\"p\"}")
                .patch(sets + "/twice").then().statusCode(400).body("error.message", containsString("cannot change"));
        given().contentType(ContentType.JSON).body("{\"username\":\"u\",\"password\":\"p\"}")
                .patch(sets + "/missing").then().statusCode(404);
    }

    @Test
    void aSetInUseStaysUntilItsRulesLetGo() {
        given().contentType(ContentType.JSON).body(body("in-use", "127.0.0.1:9")).post(sets).then().statusCode(201);
        given().contentType(ContentType.JSON).body("{\"name\":\"uses-it\",\"sourceRepository\":\"127.0.0.1:9/a\","
                        + "\"targetRepository\":\"a\",\"credentialSet\":\"in-use\"}")
                .post("/api/v1/registries/" + registry + "/cacheRules").then().statusCode(201);
        given().delete(sets + "/in-use").then().statusCode(409).body("error.message", containsString("uses-it"));
        given().delete("/api/v1/registries/" + registry + "/cacheRules/uses-it").then().statusCode(204);
        given().delete(sets + "/in-use").then().statusCode(204);
        given().get(sets + "/in-use").then().statusCode(404);
    }

    private static String body(String name, String loginServer) {
        return "{\"name\":\"" + name + "\",\"loginServer\":\"" + loginServer + "\",\"username\":\"hub-user\","
                + "\"password\":\"" + PASSWORD + "\"}";
    }
}
