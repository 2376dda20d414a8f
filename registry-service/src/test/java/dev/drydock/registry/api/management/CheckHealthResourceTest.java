package dev.drydock.registry.api.management;

import dev.drydock.devstack.DevStackControl;
import dev.drydock.devstack.DevStackTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@QuarkusTest
@WithTestResource(value = DevStackTestResource.class, scope = TestResourceScope.GLOBAL)
class CheckHealthResourceTest {

    @Test
    void aHealthyRegistryPassesEveryCheck() {
        given().get("/api/v1/registries/default/check-health").then().statusCode(200)
                .body("healthy", equalTo(true))
                .body("loginServer", equalTo("default.drydock.localhost"))
                .body("checks.name", hasItems("Registry", "TokenSigning", "Storage", "Database", "Events"))
                .body("checks.status", everyItem(equalTo("OK")));
        given().get("/api/v1/registries/nosuchreg9/check-health").then().statusCode(404);
    }

    @Test
    void aMissingBrokerIsReportedWithItsErrorCode() {
        assumeTrue(DevStackControl.available(), "needs a broker this test JVM owns");
        DevStackControl.stopKafka();
        try {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    given().get("/api/v1/registries/default/check-health").then().statusCode(503)
                            .body("healthy", equalTo(false))
                            .body("checks.find { it.name == 'Events' && it.status == 'ERROR' }.errorCode",
                                    equalTo("EVENTS_ERROR")));
        } finally {
            DevStackControl.startKafka();
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                given().get("/api/v1/registries/default/check-health").then().statusCode(200));
    }
}
