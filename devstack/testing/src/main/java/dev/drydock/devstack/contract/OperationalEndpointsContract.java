package dev.drydock.devstack.contract;

import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What operators rely on from every Drydock service, run by each service's test against its real application:
 * readiness that covers the database and Kafka, liveness, Prometheus metrics for the scraper only, named by route
 * template, and the OpenAPI document.
 */
public abstract class OperationalEndpointsContract {

    /**
     * Slowloris: a client that sends half its headers and falls silent is disconnected by the server's idle timeout
     * (5 s in tests) instead of holding the connection for ever. A server that kept it would leave the read blocked
     * until the socket's own 30 s timeout, which fails the test.
     */
    @Test
    public void aClientSilentHalfwayThroughItsHeadersIsDisconnected() throws IOException {
        try (Socket socket = new Socket("localhost", RestAssured.port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /q/health/live HTTP/1.1\r\nHost: localhost\r\nX-Half: ".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals(-1, socket.getInputStream().read(), "the server closes the connection without an answer");
        }
    }

    /**
     * Readiness is the database's (an API without it can only answer 503); Kafka is left out, since every API works
     * while the broker is away, and reported as wellness. Liveness depends on neither: a platform restarting the
     * service would not bring them back.
     */
    @Test
    public void readinessCoversTheDatabaseButNotKafkaAndLivenessNeither() {
        JsonPath health = given().when().get("/q/health/ready").then().statusCode(200).extract().jsonPath();
        assertEquals("UP", health.getString("status"));
        List<Map<String, Object>> checks = health.getList("checks");
        List<String> names = checks.stream().map(c -> String.valueOf(c.get("name")).toLowerCase()).toList();
        assertTrue(names.stream().anyMatch(n -> n.contains("database") || n.contains("reactive")),
                () -> "no database check in " + names);
        assertTrue(names.stream().noneMatch(n -> n.contains("kafka")), () -> "a Kafka check in " + names);
        checks.forEach(c -> assertEquals("UP", c.get("status"), () -> c.get("name") + " is not UP: " + c));
        List<String> live = given().when().get("/q/health/live").then().statusCode(200).extract().jsonPath()
                .<Map<String, Object>>getList("checks").stream().map(c -> String.valueOf(c.get("name")).toLowerCase())
                .toList();
        assertTrue(live.stream().noneMatch(n -> n.contains("database") || n.contains("postgres") || n.contains("kafka")),
                () -> "liveness depends on an outside server: " + live);
        // the broker is still watched, where it gates nothing
        given().when().get("/q/health/well").then().statusCode(200)
                .body("checks.find { it.name == 'Kafka broker' }.status", equalTo("UP"));
    }

    @Test
    public void livenessAnswers() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    public void prometheusMetricsAnswerOnlyTheScraper() {
        given().when().get("/q/metrics").then().statusCode(401).body("error.code", equalTo("Unauthorized"));
        given().auth().preemptive().basic("metrics", "guess").when().get("/q/metrics").then().statusCode(401);
        given().auth().preemptive().basic("metrics", ConfigProvider.getConfig().getValue("drydock.metrics.password",
                        String.class)).when().get("/q/metrics").then().statusCode(200)
                .body(containsString("jvm_memory_used_bytes"))
                .body(containsString("process_cpu_usage"));
    }

    @Test
    public void httpMetricsNameRoutesNeverRawPaths() {
        // what a tenant's paths carry (repository names, tags) and what junk a stranger sends stay out of the tags
        String secret = "tenant-secret-" + UUID.randomUUID().toString().substring(0, 8);
        for (String path : List.of("/v2/" + secret + "/manifests/v1", "/v2/" + secret + "/blobs/uploads/x",
                "/" + secret, "/acr/v1/" + secret + "/_tags", "/api/v1/" + secret)) {
            given().when().get(path).then().statusCode(org.hamcrest.Matchers.greaterThanOrEqualTo(200));
        }
        String metrics = given().auth().preemptive().basic("metrics", ConfigProvider.getConfig()
                .getValue("drydock.metrics.password", String.class)).when().get("/q/metrics").then().statusCode(200)
                .extract().asString();
        assertTrue(metrics.contains("http_server_requests_seconds_count"), "no HTTP server metrics");
        assertFalse(metrics.contains(secret), () -> "a raw path is a URI tag: " + metrics.lines()
                .filter(l -> l.contains(secret)).findFirst().orElse(""));
    }

    @Test
    public void noAnswerIsAnHtmlPage() {
        // a browser's Accept header too gets JSON that names the problem
        given().accept("text/html").get("/no/such/path").then().statusCode(404)
                .contentType("application/json").body("error.code", equalTo("NotFound"))
                .body("error.message", containsString("/no/such/path"));
        given().accept("text/html").get("/api/v1/no-such-collection").then()
                .statusCode(org.hamcrest.Matchers.oneOf(401, 404)).contentType("application/json");
    }

    @Test
    public void openApiDocumentNamesTheService() {
        String title = given().accept("application/json").when().get("/q/openapi").then().statusCode(200)
                .extract().jsonPath().getString("info.title");
        assertTrue(title.startsWith("Drydock"), title);
    }
}
