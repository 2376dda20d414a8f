package dev.drydock.registry.testing;

import dev.drydock.oci.Digest;
import dev.drydock.oci.DigestAlgorithm;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Small helpers for black-box /v2 tests: random content, blob pushes, manifests. */
public final class Oci {

    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    private static final Random RANDOM = new Random();

    private Oci() {
    }

    public static String repo(String prefix) {
        return prefix + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static byte[] bytes(int size) {
        byte[] b = new byte[size];
        RANDOM.nextBytes(b);
        return b;
    }

    public static String digest(byte[] content) {
        return Digest.sha256(content).toString();
    }

    public static String sha512(byte[] content) {
        return Digest.of(DigestAlgorithm.SHA512, content).toString();
    }

    /** A request to the registry whose login server is {@code host}; null for the default registry. */
    public static RequestSpecification at(String host) {
        return host == null ? given() : given().header("Host", host);
    }

    /** POST then PUT: the monolithic upload. */
    public static String pushBlob(String repo, byte[] content) {
        return pushBlob(null, repo, content);
    }

    public static String pushBlob(String host, String repo, byte[] content) {
        String location = at(host).post("/v2/" + repo + "/blobs/uploads/").then().statusCode(202)
                .extract().header("Location");
        String digest = digest(content);
        at(host).contentType("application/octet-stream").body(content)
                .put(location + "?digest=" + digest).then().statusCode(201);
        return digest;
    }

    public static String imageManifest(String configDigest, int configSize, String layerDigest, int layerSize,
            String extra) {
        return """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",\
                "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},\
                "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%d}]%s}"""
                .formatted(configDigest, configSize, layerDigest, layerSize, extra);
    }

    /** Pushes a config and a layer, then a manifest tagged {@code tag}; returns the manifest's digest. */
    public static String pushImage(String repo, String tag, String extra) {
        return pushImage(null, repo, tag, extra);
    }

    public static String pushImage(String host, String repo, String tag, String extra) {
        return putManifest(host, repo, tag, OCI_MANIFEST, imageManifest(host, repo, extra)).then().statusCode(201)
                .extract().header("Docker-Content-Digest");
    }

    /** Pushes a fresh config and layer and returns a manifest naming them, not yet pushed. */
    public static String imageManifest(String host, String repo, String extra) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"n\":\"" + UUID.randomUUID() + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] layer = bytes(1000);
        return imageManifest(pushBlob(host, repo, config), config.length, pushBlob(host, repo, layer), layer.length,
                extra);
    }

    public static Response putManifest(String repo, String reference, String contentType, String body) {
        return putManifest(null, repo, reference, contentType, body);
    }

    public static Response putManifest(String host, String repo, String reference, String contentType, String body) {
        return at(host).contentType(contentType).body(body.getBytes(StandardCharsets.UTF_8))
                .put("/v2/" + repo + "/manifests/" + reference);
    }

    public static void assertError(Response response, int status, String code) {
        response.then().statusCode(status);
        assertEquals(code, response.jsonPath().getString("errors[0].code"), response.asString());
    }
}
