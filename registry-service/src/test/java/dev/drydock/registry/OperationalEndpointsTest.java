package dev.drydock.registry;

import dev.drydock.devstack.DevStackTestResource;
import dev.drydock.devstack.contract.OperationalEndpointsContract;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@WithTestResource(value = DevStackTestResource.class, scope = TestResourceScope.GLOBAL)
class OperationalEndpointsTest extends OperationalEndpointsContract {

    @Inject
    Pool pool;

    @Test
    void routesAreNamedByTheirTemplates() {
        given().get("/v2/some/app/manifests/v1");
        given().get("/v2/some/app/blobs/sha256:" + "0".repeat(64));
        given().get("/v2/some/app/tags/list");
        given().get("/v2/_catalog");
        given().get("/v2/some/junk");
        // REST resources keep their own templates
        given().get("/api/v1/registries/default").then().statusCode(200);
        String metrics = given().auth().preemptive().basic("metrics", ConfigProvider.getConfig()
                .getValue("drydock.metrics.password", String.class)).get("/q/metrics").then().statusCode(200)
                .extract().asString();
        for (String template : List.of("/v2/{name}/manifests/{reference}", "/v2/{name}/blobs/{digest}",
                "/v2/{name}/tags/list", "/v2/_catalog", "/{unmatched}", "/api/v1/registries/{name}")) {
            assertTrue(metrics.contains("uri=\"" + template + "\""), () -> template + " is missing: " + metrics.lines()
                    .filter(l -> l.startsWith("http_server_requests_seconds_count")).toList());
        }
    }

    @Test
    void whatTheFrameworkRefusesIsAnsweredInJson() throws Exception {
        // a path that climbs out of /v2 is still answered in the Distribution shape, not an HTML page
        HttpResponse<String> climbing = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port
                        + "/v2/../../etc/passwd/tags/list")).header("Accept", "text/html").build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(climbing.statusCode() == 404 && climbing.body().contains("\"errors\""), climbing::body);
        given().delete("/api/v1/registries").then().statusCode(405).contentType("application/json")
                .body("error.code", equalTo("MethodNotAllowed"));
        given().contentType("text/plain").body("x").post("/api/v1/registries").then().statusCode(415)
                .contentType("application/json").body("error.code", equalTo("UnsupportedMediaType"));
        given().contentType("application/json").body("{\"name\": \"trunc").post("/api/v1/registries").then()
                .statusCode(400).body("error.code", equalTo("InvalidRequestBody"));
        given().contentType("application/json").body("{\"name\":\"abcdef1\",\"nonsense\":1}").post("/api/v1/registries")
                .then().statusCode(400).body("error.message", containsString("nonsense"));
    }

    /** A statement or an open transaction that would hold its locks for ever is ended by the server (BoundedPgPool). */
    @Test
    void everyDatabaseSessionIsBoundedByTheServer() {
        for (String setting : List.of("statement_timeout", "idle_in_transaction_session_timeout")) {
            String value = pool.query("show " + setting).execute().await().atMost(Duration.ofSeconds(10)).iterator()
                    .next().getString(0);
            assertEquals("1min", value, setting);
        }
    }
}
