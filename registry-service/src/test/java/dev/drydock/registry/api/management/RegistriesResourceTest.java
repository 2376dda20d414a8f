package dev.drydock.registry.api.management;

import dev.drydock.devstack.DevStackTestResource;
import dev.drydock.registry.testing.Oci;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static dev.drydock.registry.testing.Oci.at;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@WithTestResource(value = DevStackTestResource.class, scope = TestResourceScope.GLOBAL)
class RegistriesResourceTest {

    private static String newName() {
        return "reg" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    private static void create(String name, String sku) {
        given().contentType(ContentType.JSON).body("{\"name\":\"" + name + "\",\"sku\":{\"name\":\"" + sku + "\"}}")
                .post("/api/v1/registries").then().statusCode(201)
                .header("Location", org.hamcrest.Matchers.endsWith("/api/v1/registries/" + name));
    }

    @Test
    void registryLifecycle() {
        String name = newName();
        create(name, "Standard");
        given().get("/api/v1/registries/" + name.toUpperCase()).then().statusCode(200)
                .body("name", equalTo(name))
                .body("loginServer", equalTo(name + ".drydock.localhost"))
                .body("sku.name", equalTo("Standard"))
                .body("provisioningState", equalTo("Succeeded"))
                .body("policies.retentionPolicy.status", equalTo("disabled"));
        given().get("/api/v1/registries").then().statusCode(200).body("value.name", hasItem(name));

        given().contentType(ContentType.JSON).body("{\"sku\":{\"name\":\"premium\"},"
                        + "\"policies\":{\"retentionPolicy\":{\"status\":\"enabled\",\"days\":3}}}")
                .patch("/api/v1/registries/" + name).then().statusCode(200)
                .body("sku.name", equalTo("Premium"))
                .body("policies.retentionPolicy.status", equalTo("enabled"))
                .body("policies.retentionPolicy.days", equalTo(3));

        given().delete("/api/v1/registries/" + name).then().statusCode(204);
        given().get("/api/v1/registries/" + name).then().statusCode(404).body("error.code", equalTo("NotFound"));
        given().delete("/api/v1/registries/" + name).then().statusCode(404);
    }

    @Test
    void badRequestsAreRefusedWithAClearError() {
        given().contentType(ContentType.JSON).body("{\"name\":\"ab\"}").post("/api/v1/registries")
                .then().statusCode(400).body("error.message", org.hamcrest.Matchers.containsString("5 to 50"));
        given().contentType(ContentType.JSON).body("{\"name\":\"with-dash1\"}").post("/api/v1/registries")
                .then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"name\":\"" + newName() + "\",\"sku\":{\"name\":\"Gold\"}}")
                .post("/api/v1/registries").then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"name\":\"" + newName() + "\",\"colour\":\"red\"}")
                .post("/api/v1/registries").then().statusCode(400)
                .body("error.message", equalTo("unknown field 'colour'"));
        given().contentType(ContentType.JSON).body("{\"name\":").post("/api/v1/registries").then().statusCode(400);
        String basic = newName();
        create(basic, "Basic");
        given().contentType(ContentType.JSON).body("{\"policies\":{\"retentionPolicy\":{\"status\":\"enabled\"}}}")
                .patch("/api/v1/registries/" + basic).then().statusCode(409)
                .body("error.code", equalTo("SkuLimitExceeded"));
        given().contentType(ContentType.JSON).body("{\"name\":\"" + basic.toUpperCase() + "\"}")
                .post("/api/v1/registries").then().statusCode(409);
        given().delete("/api/v1/registries/default").then().statusCode(409);
    }

    @Test
    void theHostHeaderPicksTheRegistryAndLayersStayInside() {
        String name = newName();
        create(name, "Standard");
        String host = name + ".drydock.localhost:8080";
        String repo = Oci.repo("tenancy");
        byte[] layer = Oci.bytes(2000);
        String digest = Oci.pushBlob(host, repo, layer);
        Oci.pushImage(host, repo, "v1", "");

        at(host).get("/v2/_catalog").then().statusCode(200).body("repositories", equalTo(java.util.List.of(repo)));
        at(host).head("/v2/" + repo + "/blobs/" + digest).then().statusCode(200);
        // the default registry (any other host) neither lists nor serves what the tenant stored
        at(null).get("/v2/_catalog?n=100000").then().body("repositories", not(hasItem(repo)));
        at(null).head("/v2/" + repo + "/blobs/" + digest).then().statusCode(404);
        // nor can it mount the layer from a repository of the same name: mounting stays within a registry
        at(null).post("/v2/" + repo + "/blobs/uploads/?mount=" + digest + "&from=" + repo).then().statusCode(202);
        at("nosuchreg1.drydock.localhost").get("/v2/_catalog").then().statusCode(404)
                .body("errors[0].code", equalTo("NAME_UNKNOWN"));

        long size = given().get("/api/v1/registries/" + name + "/usages").then().statusCode(200)
                .body("value[0].name", equalTo("Size"))
                .body("value[0].limit", equalTo(107374182400L))
                .body("value[1].name", equalTo("Webhooks"))
                .extract().jsonPath().getLong("value[0].currentValue");
        assertTrue(size > 2000 + 1000, "the layers and manifests count, got " + size);
        given().get("/api/v1/registries/" + name + "/usages/repositories").then().statusCode(200)
                .body("value[0].name", equalTo(repo))
                .body("value[0].manifestCount", equalTo(1))
                .body("value[0].tagCount", equalTo(1));
        given().delete("/api/v1/registries/" + name).then().statusCode(204);
        at(host).get("/v2/_catalog").then().statusCode(404);
    }

    @Test
    void aBasicRegistryRefusesNewContentBeyondItsIncludedStorage() {
        // the test profile gives Basic 1 MiB
        String name = newName();
        create(name, "Basic");
        String host = name + ".drydock.localhost";
        byte[] big = Oci.bytes(700_000);
        Oci.pushBlob(host, "quota/a", big);
        // the same layer again costs nothing: layers are stored once per registry
        Oci.pushBlob(host, "quota/b", big);
        String location = at(host).post("/v2/quota/c/blobs/uploads/").then().statusCode(202)
                .extract().header("Location");
        byte[] more = Oci.bytes(700_000);
        at(host).contentType("application/octet-stream").body(more).put(location + "?digest=" + Oci.digest(more))
                .then().statusCode(403).body("errors[0].code", equalTo("DENIED"));
        at(host).head("/v2/quota/c/blobs/" + Oci.digest(more)).then().statusCode(404);
        long used = given().get("/api/v1/registries/" + name + "/usages").then().extract().jsonPath()
                .getLong("value[0].currentValue");
        assertEquals(700_000L, used);
        given().get("/api/v1/registries/" + name).then().body("policies.retentionPolicy.days", equalTo(7))
                .body("lastModified", not(nullValue()));
    }
}
