package dev.drydock.registry.api.distribution;

import dev.drydock.oci.Digest;
import dev.drydock.oci.DigestAlgorithm;
import io.restassured.response.Response;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Small helpers for black-box /v2 tests: random content, blob pushes, manifests. */
final class Oci {

    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    private static final Random RANDOM = new Random();

    private Oci() {
    }

    static String repo(String prefix) {
        return prefix + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    static byte[] bytes(int size) {
        byte[] b = new byte[size];
        RANDOM.nextBytes(b);
        return b;
    }

    static String digest(byte[] content) {
        return Digest.sha256(content).toString();
    }

    static String sha512(byte[] content) {
        return Digest.of(DigestAlgorithm.SHA512, content).toString();
    }

    /** POST then PUT: the monolithic upload. */
    static String pushBlob(String repo, byte[] content) {
        String location = given().post("/v2/" + repo + "/blobs/uploads/").then().statusCode(202)
                .extract().header("Location");
        String digest = digest(content);
        given().contentType("application/octet-stream").body(content)
                .put(location + "?digest=" + digest).then().statusCode(201);
        return digest;
    }

    static String imageManifest(String configDigest, int configSize, String layerDigest, int layerSize,
            String extra) {
        return """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",\
                "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},\
                "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%d}]%s}"""
                .formatted(configDigest, configSize, layerDigest, layerSize, extra);
    }

    /** Pushes a config and a layer, then a manifest tagged {@code tag}; returns the manifest's digest. */
    static String pushImage(String repo, String tag, String extra) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"n\":\"" + UUID.randomUUID() + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] layer = bytes(1000);
        String manifest = imageManifest(pushBlob(repo, config), config.length, pushBlob(repo, layer), layer.length, extra);
        return putManifest(repo, tag, OCI_MANIFEST, manifest).then().statusCode(201)
                .extract().header("Docker-Content-Digest");
    }

    static Response putManifest(String repo, String reference, String contentType, String body) {
        return given().contentType(contentType).body(body.getBytes(StandardCharsets.UTF_8))
                .put("/v2/" + repo + "/manifests/" + reference);
    }

    static void assertError(Response response, int status, String code) {
        response.then().statusCode(status);
        assertEquals(code, response.jsonPath().getString("errors[0].code"), response.asString());
    }
}
