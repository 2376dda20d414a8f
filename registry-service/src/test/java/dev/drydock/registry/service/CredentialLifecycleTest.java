package dev.drydock.registry.service;

import dev.drydock.devstack.DevStackTestResource;
import dev.drydock.registry.testing.Oci;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.config.HttpClientConfig;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Credentials die when they should (issue 16), attacked as a former tenant, a holder of revoked credentials, a
 * password guesser and a forger of Host headers would. Shares AccessControlTest's profile (one application start).
 */
@QuarkusTest
@TestProfile(AccessControlTest.AuthOn.class)
@WithTestResource(value = DevStackTestResource.class, scope = TestResourceScope.GLOBAL)
class CredentialLifecycleTest {

    private static final String REFRESH_USER = "00000000-0000-0000-0000-000000000000";
    /** drydock.registry.auth.throttle.first-block in AccessControlTest's profile. */
    static final int FIRST_BLOCK_SECONDS = 10;

    @Inject
    io.vertx.mutiny.sqlclient.Pool pool;

    /** The guessing tests block loopback addresses of their own; nothing of theirs may outlive them. */
    @AfterEach
    void forgetFailures() {
        pool.query("delete from login_failure").execute().await().atMost(Duration.ofSeconds(10));
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static RequestSpecification admin() {
        return given().header("Authorization", basic(AccessControlTest.ADMIN, AccessControlTest.ADMIN_PASSWORD))
                .contentType(ContentType.JSON);
    }

    private static String createRegistry(String name) {
        admin().body("{\"name\":\"" + name + "\",\"sku\":{\"name\":\"Standard\"},\"adminUserEnabled\":true}")
                .post("/api/v1/registries").then().statusCode(201);
        return adminPassword(name, "password");
    }

    private static String adminPassword(String registry, String which) {
        return admin().body("{\"name\":\"" + which + "\"}").post("/api/v1/registries/" + registry
                + "/credentials/regenerate").then().statusCode(200).extract().jsonPath().getString("passwords[0].value");
    }

    /** An access token and a refresh token for {@code user} in the registry at {@code host}. */
    private static String[] tokens(String host, String user, String password) {
        Response r = Oci.at(host).header("Authorization", basic(user, password)).queryParam("offline_token", "true")
                .queryParam("scope", "repository:app:pull,push")
                .get("/oauth2/token");
        r.then().statusCode(200);
        return new String[] {r.jsonPath().getString("token"), r.jsonPath().getString("refresh_token")};
    }

    private static int refresh(String host, String refreshToken) {
        return Oci.at(host).contentType(ContentType.URLENC).formParam("grant_type", "refresh_token")
                .formParam("refresh_token", refreshToken).formParam("scope", "repository:app:pull")
                .post("/oauth2/token").statusCode();
    }

    /** 404 (no such repository yet) when the token may read app, 401 when it is refused. */
    private static int read(String host, String accessToken) {
        return Oci.at(host).header("Authorization", "Bearer " + accessToken).get("/v2/app/tags/list").statusCode();
    }

    private static String name(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    @Test
    void aRegistryCreatedUnderADeletedOnesNameIsAnotherAudience() {
        String registry = name("reborn");
        String host = registry + ".drydock.localhost";
        String[] old = tokens(host, registry, createRegistry(registry));
        assertEquals(404, read(host, old[0]));
        admin().delete("/api/v1/registries/" + registry).then().statusCode(204);

        String newPassword = createRegistry(registry);
        assertEquals(401, read(host, old[0]), "the old owner's access token reads the new tenant's catalog");
        assertEquals(401, refresh(host, old[1]), "the old owner's refresh token mints tokens in the new tenant");
        Oci.at(host).header("Authorization", basic(REFRESH_USER, old[1])).post("/v2/app/blobs/uploads/")
                .then().statusCode(401);
        // the new owner's own credentials work
        assertEquals(404, read(host, tokens(host, registry, newPassword)[0]));
    }

    @Test
    void aTokenCreatedUnderADeletedOnesNameDoesNotReviveItsTokens() {
        String registry = name("tokens");
        String host = registry + ".drydock.localhost";
        createRegistry(registry);
        String base = "/api/v1/registries/" + registry + "/tokens";
        String password = admin().body("{\"name\":\"ci-token\",\"scopeMap\":\"_repositories_admin\"}").post(base)
                .then().statusCode(201).extract().jsonPath().getString("credentials.passwords[0].value");
        String[] old = tokens(host, "ci-token", password);
        admin().delete(base + "/ci-token").then().statusCode(204);
        assertEquals(401, read(host, old[0]), "a deleted token's access token still works");
        assertEquals(401, refresh(host, old[1]));

        admin().body("{\"name\":\"ci-token\",\"scopeMap\":\"_repositories_admin\"}").post(base).then().statusCode(201);
        assertEquals(401, refresh(host, old[1]), "a new token of the same name revived the deleted one's refresh token");
        assertEquals(401, read(host, old[0]));
    }

    @Test
    void everyChangeOfTheAdminUserEndsWhatWasDerivedFromIt() {
        String registry = name("adminuser");
        String host = registry + ".drydock.localhost";
        String first = createRegistry(registry);
        String second = adminPassword(registry, "password2");
        String[] fromFirst = tokens(host, registry, first);
        String[] fromSecond = tokens(host, registry, second);

        // rotating one password leaves the other's tokens alone: ACR's reason for two
        adminPassword(registry, "password");
        assertEquals(401, refresh(host, fromFirst[1]), "a regenerated password's refresh token still works");
        assertEquals(401, read(host, fromFirst[0]), "a regenerated password's access token still works");
        assertEquals(200, refresh(host, fromSecond[1]));
        assertEquals(404, read(host, fromSecond[0]));

        // disabling ends everything, and enabling again revives nothing
        admin().body("{\"adminUserEnabled\":false}").patch("/api/v1/registries/" + registry).then().statusCode(200);
        assertEquals(401, refresh(host, fromSecond[1]));
        assertEquals(401, read(host, fromSecond[0]));
        admin().body("{\"adminUserEnabled\":true}").patch("/api/v1/registries/" + registry).then().statusCode(200);
        assertEquals(401, refresh(host, fromSecond[1]), "re-enabling the admin user revived its old refresh token");
        assertEquals(401, read(host, fromSecond[0]));
        assertEquals(404, read(host, tokens(host, registry, second)[0]), "the unchanged password works again");
    }

    @Test
    void everyChangeOfARepositoryTokenEndsWhatWasDerivedFromIt() {
        String registry = name("tokchange");
        String host = registry + ".drydock.localhost";
        createRegistry(registry);
        String base = "/api/v1/registries/" + registry + "/tokens/";
        Response created = admin().body("{\"name\":\"deployer\",\"scopeMap\":\"_repositories_admin\"}")
                .post("/api/v1/registries/" + registry + "/tokens");
        String p1 = created.then().statusCode(201).extract().jsonPath().getString("credentials.passwords[0].value");
        String p2 = created.jsonPath().getString("credentials.passwords[1].value");

        String[] one = tokens(host, "deployer", p1);
        String[] two = tokens(host, "deployer", p2);
        admin().body("{\"name\":\"password1\"}").post(base + "deployer/credentials").then().statusCode(200);
        assertEquals(401, refresh(host, one[1]), "a regenerated token password's refresh token still works");
        assertEquals(401, read(host, one[0]));
        assertEquals(200, refresh(host, two[1]));

        admin().delete(base + "deployer/credentials/password2").then().statusCode(204);
        assertEquals(401, refresh(host, two[1]), "a deleted token password's refresh token still works");
        assertEquals(401, read(host, two[0]));

        String p1b = admin().body("{\"name\":\"password1\"}").post(base + "deployer/credentials").then()
                .statusCode(200).extract().jsonPath().getString("passwords[0].value");
        String[] three = tokens(host, "deployer", p1b);
        admin().body("{\"status\":\"disabled\"}").patch(base + "deployer").then().statusCode(200);
        assertEquals(401, refresh(host, three[1]), "a disabled token's refresh token still works");
        assertEquals(401, read(host, three[0]));
        admin().body("{\"status\":\"enabled\"}").patch(base + "deployer").then().statusCode(200);
        assertEquals(401, refresh(host, three[1]), "enabling the token again revived its refresh token");

        // a password that expires takes its refresh tokens with it
        String expiring = admin().body("{\"name\":\"password2\",\"expiry\":\""
                        + java.time.Instant.now().plusSeconds(3) + "\"}").post(base + "deployer/credentials").then()
                .statusCode(200).extract().jsonPath().getString("passwords[0].value");
        String[] four = tokens(host, "deployer", expiring);
        assertEquals(200, refresh(host, four[1]));
        await().atMost(Duration.ofSeconds(20)).until(() -> refresh(host, four[1]) == 401);
    }

    /** Requests sent from {@code source}, a loopback address of the test's own, so its blocks hit nobody else. */
    private static RequestSpecification from(String source) {
        try {
            InetAddress local = InetAddress.getByName(source);
            return given().config(RestAssured.config().httpClient(HttpClientConfig.httpClientConfig()
                    .setParam("http.route.local-address", local)));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** CPU time of the registry's own threads (event loops, workers where hashes run), not of the test's client. */
    private static Map<Long, Long> serverCpu() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Long> cpu = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && (info.getThreadName().startsWith("vert.x-")
                    || info.getThreadName().startsWith("executor-thread"))) {
                cpu.put(info.getThreadId(), threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return cpu;
    }

    /** The CPU one password check costs in this JVM (warm). */
    private static double hashSeconds() {
        String stored = dev.drydock.registry.domain.auth.PasswordHash.hash("warm");
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long start = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < 3; i++) {
            dev.drydock.registry.domain.auth.PasswordHash.matches("guess", stored);
        }
        return (threads.getCurrentThreadCpuTime() - start) / 3e9;
    }

    private static double serverSecondsSince(Map<Long, Long> before) {
        long total = 0;
        for (Map.Entry<Long, Long> now : serverCpu().entrySet()) {
            total += Math.max(0, now.getValue() - before.getOrDefault(now.getKey(), 0L));
        }
        return total / 1e9;
    }

    @Test
    void passwordGuessesAreRefusedBeforeTheyAreHashed() throws Exception {
        String registry = name("guessed");
        String host = registry + ".drydock.localhost";
        String password = createRegistry(registry);
        // a running registry has compiled its hash and its refusals; this young one has not (a cold PBKDF2 costs
        // four times a warm one): fresh passwords checked, and refusals of unknown users, first
        for (int i = 0; i < 6; i++) {
            from("127.0.0.21").header("Host", host).header("Authorization", basic(registry,
                    adminPassword(registry, "password2"))).get("/oauth2/token").then().statusCode(200);
        }
        for (int i = 0; i < 20; i++) {
            from("127.0.0.21").header("Host", host).header("Authorization", basic("warm-up" + i, "guess"))
                    .get("/oauth2/token");
        }
        // a right password no success cache knows yet, for the moment the name is blocked (a regeneration forgets
        // every remembered success, so it comes before the owner's sign-in)
        String second = adminPassword(registry, "password2");
        from("127.0.0.21").header("Host", host).header("Authorization", basic(registry, password))
                .get("/oauth2/token").then().statusCode(200);

        Map<Long, Long> cpu = serverCpu();
        List<Integer> statuses = new ArrayList<>();
        List<String> retryAfter = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Future<Response>> guesses = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                String guess = "guess-" + i;
                guesses.add(pool.submit(() -> from("127.0.0.22").header("Host", host)
                        .header("Authorization", basic(registry, guess)).get("/oauth2/token")));
            }
            for (Future<Response> guess : guesses) {
                Response r = guess.get();
                statuses.add(r.statusCode());
                if (r.statusCode() == 429) {
                    retryAfter.add(r.header("Retry-After"));
                    r.then().body("errors[0].code", equalTo("TOOMANYREQUESTS"));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = serverSecondsSince(cpu);
        // at once, while the first block lasts: a password not checked recently is refused too, from any address,
        // uncounted; the owner, signed in a moment ago, is not locked out by the guesser
        from("127.0.0.23").header("Host", host).header("Authorization", basic(registry, second))
                .get("/oauth2/token").then().statusCode(429).header("Retry-After", not(equalTo(null)));
        from("127.0.0.23").header("Host", host).header("Authorization", basic(registry, password))
                .get("/oauth2/token").then().statusCode(200);
        long refused = statuses.stream().filter(s -> s == 429).count();
        long hashed = statuses.stream().filter(s -> s == 401).count();
        // five guesses of a user name are checked; each further one is refused before its hash (~0.2 s of CPU)
        assertTrue(hashed <= 5, "guesses checked: " + hashed + " of " + statuses);
        assertEquals(100 - hashed, refused, statuses::toString);
        assertTrue(retryAfter.stream().allMatch(v -> v != null && Integer.parseInt(v) >= 1), retryAfter::toString);
        // unthrottled, every guess was checked against both admin passwords: 200 hashes (9.7 s with a warm C2 JIT;
        // tests run C1 only, so the bound is in hashes of this JVM)
        double hash = hashSeconds();
        System.out.printf("100 guesses: %d checked, %d refused, %.2f s of the registry's CPU (a hash: %.3f s)%n",
                hashed, refused, seconds, hash);
        assertTrue(seconds < 14 * hash, "100 guesses cost the registry " + seconds + " s of CPU, "
                + seconds / hash + " hashes");

        // once the block is over one more guess is heard; its failure blocks for twice as long
        await().atMost(Duration.ofSeconds(30)).until(() -> from("127.0.0.22").header("Host", host)
                .header("Authorization", basic(registry, "one-more")).get("/oauth2/token").statusCode() == 401);
        int longer = Integer.parseInt(from("127.0.0.22").header("Host", host)
                .header("Authorization", basic(registry, "again")).get("/oauth2/token").then().statusCode(429)
                .extract().header("Retry-After"));
        assertTrue(longer > FIRST_BLOCK_SECONDS, "the block did not grow: " + longer);
    }

    @Test
    void aSuccessStartsTheUserNamesCountAgain() {
        String registry = name("typos");
        String host = registry + ".drydock.localhost";
        createRegistry(registry);
        String password = admin().body("{\"name\":\"typist\",\"scopeMap\":\"_repositories_pull\"}")
                .post("/api/v1/registries/" + registry + "/tokens").then().statusCode(201).extract().jsonPath()
                .getString("credentials.passwords[0].value");
        for (int i = 0; i < 4; i++) {
            from("127.0.0.24").header("Host", host).header("Authorization", basic("typist", "typo" + i))
                    .get("/oauth2/token").then().statusCode(401);
        }
        // the fifth attempt reaches the limit of five and blocks the name, unless it succeeds
        from("127.0.0.24").header("Host", host).header("Authorization", basic("typist", password))
                .get("/oauth2/token").then().statusCode(200);
        for (int i = 0; i < 4; i++) {
            from("127.0.0.24").header("Host", host).header("Authorization", basic("typist", "again" + i))
                    .get("/oauth2/token").then().statusCode(401);
        }
    }

    @Test
    void oneAddressGuessingManyNamesIsRefusedToo() {
        String registry = name("sprayed");
        String host = registry + ".drydock.localhost";
        createRegistry(registry);
        int limit = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("drydock.registry.auth.throttle.address-failures", Integer.class);
        for (int i = 0; i < limit; i++) {
            from("127.0.0.31").header("Host", host).header("Authorization", basic("user" + i + "x", "pw"))
                    .get("/v2/").then().statusCode(401);
        }
        from("127.0.0.31").header("Host", host).header("Authorization", basic("another", "pw")).get("/v2/")
                .then().statusCode(429).body("errors[0].code", equalTo("TOOMANYREQUESTS"))
                .header("Retry-After", not(equalTo(null)));
        // the management API counts the same failures
        from("127.0.0.31").header("Authorization", basic(AccessControlTest.ADMIN, "guess"))
                .get("/api/v1/registries").then().statusCode(429).body("error.code", equalTo("TooManyRequests"));
        // another address is not affected
        from("127.0.0.32").header("Authorization", basic(AccessControlTest.ADMIN, AccessControlTest.ADMIN_PASSWORD))
                .get("/api/v1/registries").then().statusCode(200);
    }

    @Test
    void theHostHeaderNeverChoosesWhereClientsAreSent() {
        // a forged host is refused, not answered with a challenge that sends credentials there
        Response forged = given().header("Host", "evil.example:443").get("/v2/");
        forged.then().statusCode(421).body("errors[0].code", equalTo("NAME_UNKNOWN"))
                .body("errors[0].message", containsString("evil.example"));
        assertEquals(null, forged.header("WWW-Authenticate"));
        given().header("Host", "evil.example").get("/oauth2/token").then().statusCode(421);
        given().header("Host", "a.b.drydock.localhost").get("/v2/").then().statusCode(421);
        given().header("Host", "default.drydock.localhost.evil.example").get("/v2/").then().statusCode(421);

        // a known name with a forged port: the realm names the port the service was reached on
        String port = String.valueOf(RestAssured.port);
        given().header("Host", "localhost:6666").get("/v2/").then().statusCode(401)
                .header("WWW-Authenticate", containsString("realm=\"http://localhost:" + port + "/oauth2/token\""));
        // a login server, also written fully qualified: the realm is the canonical login server
        given().header("Host", "default.drydock.localhost.:6666").get("/v2/").then().statusCode(401)
                .header("WWW-Authenticate", containsString(
                        "realm=\"http://default.drydock.localhost:" + port + "/oauth2/token\""));
        given().header("Host", "127.0.0.1").get("/v2/").then().statusCode(401)
                .header("WWW-Authenticate", containsString("realm=\"http://127.0.0.1:" + port + "/oauth2/token\""));
    }
}
