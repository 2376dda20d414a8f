package dev.drydock.devstack.contract;

import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What operators rely on from every Drydock service, run by each service's test against its real application:
 * readiness that covers the database and Kafka, liveness, Prometheus metrics and the OpenAPI document.
 */
public abstract class OperationalEndpointsContract {

    @Test
    public void readinessCoversTheDatabaseAndKafka() {
        JsonPath health = given().when().get("/q/health/ready").then().statusCode(200).extract().jsonPath();
        assertEquals("UP", health.getString("status"));
        List<Map<String, Object>> checks = health.getList("checks");
        List<String> names = checks.stream().map(c -> String.valueOf(c.get("name")).toLowerCase()).toList();
        assertTrue(names.stream().anyMatch(n -> n.contains("database") || n.contains("reactive")),
                () -> "no database check in " + names);
        assertTrue(names.stream().anyMatch(n -> n.contains("kafka")), () -> "no Kafka check in " + names);
        checks.forEach(c -> assertEquals("UP", c.get("status"), () -> c.get("name") + " is not UP: " + c));
    }

    @Test
    public void livenessAnswers() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    public void prometheusMetricsAreExposed() {
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("jvm_memory_used_bytes"))
                .body(containsString("process_cpu_usage"));
    }

    @Test
    public void openApiDocumentNamesTheService() {
        String title = given().accept("application/json").when().get("/q/openapi").then().statusCode(200)
                .extract().jsonPath().getString("info.title");
        assertTrue(title.startsWith("Drydock"), title);
    }
}
