package dev.drydock.registry.api.management;

import dev.drydock.devstack.DevStackTestResource;
import dev.drydock.registry.testing.Oci;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.drydock.registry.testing.Oci.at;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Import from another registry: the source is this service's default registry, reached directly or through a
 * front that demands the registry token flow (Basic credentials for a Bearer token), as Docker Hub or ACR do.
 */
@QuarkusTest
@WithTestResource(value = DevStackTestResource.class, scope = TestResourceScope.GLOBAL)
class ImportResourceTest {

    private static final String TOKEN = "tok-" + UUID.randomUUID();

    @Inject
    Vertx vertx;

    private HttpServer front;
    private HttpClient client;
    private String registry;
    private String host;

    @BeforeEach
    void start() throws Exception {
        client = vertx.createHttpClient();
        int port = RestAssured.port;
        String expected = "Basic " + Base64.getEncoder().encodeToString("alice:wonderland".getBytes());
        front = vertx.createHttpServer().requestHandler(req -> {
            if (req.path().equals("/token")) {
                boolean ok = expected.equals(req.getHeader("Authorization")) && req.getParam("scope") != null;
                req.response().setStatusCode(ok ? 200 : 401).end(ok ? "{\"token\":\"" + TOKEN + "\"}" : "");
                return;
            }
            if (!("Bearer " + TOKEN).equals(req.getHeader("Authorization"))) {
                req.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer realm=\"http://127.0.0.1:"
                        + req.localAddress().port() + "/token\",service=\"front\",scope=\"repository:x:pull\"").end();
                return;
            }
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
                    .setURI(req.uri());
            if (req.getHeader("Accept") != null) {
                options.putHeader("Accept", req.getHeader("Accept"));
            }
            client.request(options).compose(r -> r.send()).onSuccess(upstream -> upstream.body().onSuccess(body -> {
                req.response().setStatusCode(upstream.statusCode());
                if (upstream.getHeader("Content-Type") != null) {
                    req.response().putHeader("Content-Type", upstream.getHeader("Content-Type"));
                }
                req.response().end(body);
            })).onFailure(e -> req.response().setStatusCode(502).end());
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        registry = "imp" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        host = registry + ".drydock.localhost";
        given().contentType(ContentType.JSON).body("{\"name\":\"" + registry + "\"}").post("/api/v1/registries")
                .then().statusCode(201);
    }

    @AfterEach
    void stop() throws Exception {
        front.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        client.close();
        given().delete("/api/v1/registries/" + registry).then().statusCode(204);
    }

    /** Two platform images under one index in the default registry; returns {index, amd64, arm64}. */
    private static String[] pushMultiArch(String repo, String tag) {
        String amd = Oci.pushImage(repo, "amd64-" + tag, "");
        String arm = Oci.pushImage(repo, "arm64-" + tag, "");
        int amdSize = given().get("/v2/" + repo + "/manifests/" + amd).asByteArray().length;
        int armSize = given().get("/v2/" + repo + "/manifests/" + arm).asByteArray().length;
        String index = """
                {"schemaVersion":2,"mediaType":"%s","manifests":[\
                {"mediaType":"%s","digest":"%s","size":%d,"platform":{"architecture":"amd64","os":"linux"}},\
                {"mediaType":"%s","digest":"%s","size":%d,"platform":{"architecture":"arm64","os":"linux"}}]}"""
                .formatted(Oci.OCI_INDEX, Oci.OCI_MANIFEST, amd, amdSize, Oci.OCI_MANIFEST, arm, armSize);
        String digest = Oci.putManifest(repo, tag, Oci.OCI_INDEX, index).then().statusCode(201).extract()
                .header("Docker-Content-Digest");
        return new String[] {digest, amd, arm};
    }

    private Response importing(String body) {
        return given().contentType(ContentType.JSON).body(body).post("/api/v1/registries/" + registry + "/import");
    }

    @Test
    void aMultiArchImageIsCopiedWholeThroughTheTokenFlow() {
        String repo = Oci.repo("import/src");
        String[] pushed = pushMultiArch(repo, "1.0");
        String source = "http://127.0.0.1:" + front.actualPort();
        importing("""
                {"source":{"registryUri":"%s","sourceImage":"%s:1.0",\
                "credentials":{"username":"alice","password":"wonderland"}},"targetTags":["copied/app:1.0"]}"""
                .formatted(source, repo)).then().statusCode(200)
                .body("digest", equalTo(pushed[0]))
                .body("manifests", equalTo(3))
                .body("blobsCopied", equalTo(4))
                .body("targets", equalTo(List.of("copied/app:1.0")));
        at(host).get("/v2/copied/app/manifests/1.0").then().statusCode(200)
                .header("Docker-Content-Digest", pushed[0]);
        for (String child : List.of(pushed[1], pushed[2])) {
            Response manifest = at(host).get("/v2/copied/app/manifests/" + child);
            manifest.then().statusCode(200);
            at(host).get("/v2/copied/app/blobs/" + manifest.jsonPath().getString("layers[0].digest"))
                    .then().statusCode(200);
        }
        // wrong credentials: a clear refusal, nothing written
        importing("""
                {"source":{"registryUri":"%s","sourceImage":"%s:1.0",\
                "credentials":{"username":"alice","password":"guess"}},"targetTags":["other/app:1"]}"""
                .formatted(source, repo)).then().statusCode(502)
                .body("error.message", containsString("refused the credentials"));
        at(host).get("/v2/other/app/tags/list").then().statusCode(404);
    }

    @Test
    void forceManifestOnlyAndMissingSources() {
        String repo = Oci.repo("import/modes");
        String[] first = pushMultiArch(repo, "v1");
        String direct = "127.0.0.1:" + RestAssured.port;
        importing("{\"source\":{\"registryUri\":\"" + direct + "\",\"sourceImage\":\"" + repo + ":v1\"},"
                + "\"targetTags\":[\"app:stable\"]}").then().statusCode(200);
        String[] second = pushMultiArch(repo, "v2");
        // NoForce keeps a tag that points elsewhere; Force moves it
        importing("{\"source\":{\"registryUri\":\"" + direct + "\",\"sourceImage\":\"" + repo + ":v2\"},"
                + "\"targetTags\":[\"app:stable\"]}").then().statusCode(409);
        at(host).get("/v2/app/manifests/stable").then().header("Docker-Content-Digest", first[0]);
        importing("{\"source\":{\"registryUri\":\"" + direct + "\",\"sourceImage\":\"" + repo + ":v2\"},"
                + "\"targetTags\":[\"app:stable\"],\"mode\":\"Force\"}").then().statusCode(200);
        at(host).get("/v2/app/manifests/stable").then().header("Docker-Content-Digest", second[0]);
        // manifest only: a new repository, no tag
        importing("{\"source\":{\"registryUri\":\"" + direct + "\",\"sourceImage\":\"" + repo + "@" + first[0] + "\"},"
                + "\"untaggedTargetRepositories\":[\"archive/app\"]}").then().statusCode(200)
                .body("targets", equalTo(List.of("archive/app@" + first[0])));
        at(host).get("/v2/archive/app/manifests/" + first[0]).then().statusCode(200);
        at(host).get("/v2/archive/app/tags/list").then().body("tags", equalTo(List.of()));

        importing("{\"source\":{\"registryUri\":\"" + direct + "\",\"sourceImage\":\"" + repo + ":nope\"}}")
                .then().statusCode(404);
        importing("{\"source\":{\"registryUri\":\"" + direct + "\",\"sourceImage\":\"Bad Name\"}}")
                .then().statusCode(400);
        importing("{\"source\":{\"registryUri\":\"" + direct + "\",\"sourceImage\":\"" + repo + ":v1\"},"
                + "\"mode\":\"Sometimes\"}").then().statusCode(400);
    }
}
