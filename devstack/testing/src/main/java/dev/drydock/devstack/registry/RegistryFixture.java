package dev.drydock.devstack.registry;

import dev.drydock.devstack.RegistryTestResource;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Puts content into the test registry ({@link RegistryTestResource}) over its /v2 API as the administrator: blobs,
 * image manifests with layers, indexes, locks.
 */
public final class RegistryFixture {

    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

    private final String url;

    public RegistryFixture(String url) {
        this.url = url;
    }

    private RequestSpecification admin() {
        return RestAssured.given().baseUri(url).auth().preemptive().basic(RegistryTestResource.ADMIN,
                RegistryTestResource.ADMIN_PASSWORD);
    }

    public String blob(String repository, byte[] content) {
        String digest = digest(content);
        admin().contentType("application/octet-stream").body(content)
                .post("/v2/" + repository + "/blobs/uploads/?digest=" + digest).then().statusCode(201);
        return digest;
    }

    /** An image manifest whose config holds {@code marker}; {@code subject} (a digest) makes it a referrer. */
    public String image(String repository, String reference, String marker, String subject) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"marker\":\"" + marker + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        String configDigest = blob(repository, config);
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest + "\",\"size\":"
                + config.length + "},\"layers\":[]" + (subject == null ? "" : ",\"subject\":{\"mediaType\":\""
                + OCI_MANIFEST + "\",\"digest\":\"" + subject + "\",\"size\":1}") + "}";
        return manifest(repository, reference, manifest, OCI_MANIFEST);
    }

    /**
     * An image of {@code layers} (tar or tar.gz blobs) with {@code configJson} as its configuration.
     * @return the manifest's digest
     */
    public String image(String repository, String reference, String configJson, List<byte[]> layers,
            String layerMediaType) {
        byte[] config = configJson.getBytes(StandardCharsets.UTF_8);
        String configDigest = blob(repository, config);
        StringBuilder descriptors = new StringBuilder();
        for (byte[] layer : layers) {
            descriptors.append(descriptors.isEmpty() ? "" : ",").append("{\"mediaType\":\"").append(layerMediaType)
                    .append("\",\"digest\":\"").append(blob(repository, layer)).append("\",\"size\":")
                    .append(layer.length).append("}");
        }
        return manifest(repository, reference, "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST
                + "\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + configDigest + "\",\"size\":" + config.length + "},\"layers\":[" + descriptors + "]}", OCI_MANIFEST);
    }

    /** An index of {@code children} (digests of linux/amd64 image manifests in the repository). */
    public String index(String repository, String reference, List<String> children) {
        return index(repository, reference, children, children.stream().map(c -> "amd64").toList());
    }

    /** An index of {@code children}, each for linux and the architecture at the same position. */
    public String index(String repository, String reference, List<String> children, List<String> architectures) {
        StringBuilder manifests = new StringBuilder();
        for (int i = 0; i < children.size(); i++) {
            String child = children.get(i);
            byte[] body = RestAssured.given().baseUri(url).auth().preemptive().basic(RegistryTestResource.ADMIN,
                    RegistryTestResource.ADMIN_PASSWORD).accept(OCI_MANIFEST).get("/v2/" + repository
                    + "/manifests/" + child).then().statusCode(200).extract().asByteArray();
            manifests.append(manifests.isEmpty() ? "" : ",").append("{\"mediaType\":\"").append(OCI_MANIFEST)
                    .append("\",\"digest\":\"").append(child).append("\",\"size\":").append(body.length)
                    .append(",\"platform\":{\"architecture\":\"").append(architectures.get(i))
                    .append("\",\"os\":\"linux\"}}");
        }
        return manifest(repository, reference, "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_INDEX
                + "\",\"manifests\":[" + manifests + "]}", OCI_INDEX);
    }

    private String manifest(String repository, String reference, String json, String mediaType) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        String digest = digest(bytes);
        admin().contentType(mediaType).body(bytes)
                .put("/v2/" + repository + "/manifests/" + (reference == null ? digest : reference)).then()
                .statusCode(201);
        return digest;
    }

    public void lockTag(String repository, String tag) {
        admin().contentType("application/json").body("{\"writeEnabled\":false,\"deleteEnabled\":false}")
                .patch("/acr/v1/" + repository + "/_tags/" + tag).then().statusCode(200);
    }

    public List<String> tags(String repository) {
        return admin().get("/v2/" + repository + "/tags/list").then().statusCode(200).extract().jsonPath()
                .getList("tags");
    }

    public int manifestStatus(String repository, String digest) {
        return admin().accept(OCI_MANIFEST + ", " + OCI_INDEX).head("/v2/" + repository + "/manifests/" + digest)
                .statusCode();
    }

    private static String digest(byte[] content) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
