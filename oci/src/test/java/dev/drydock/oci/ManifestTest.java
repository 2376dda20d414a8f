package dev.drydock.oci;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManifestTest {

    static final String D1 = "sha256:" + "a".repeat(64);
    static final String D2 = "sha256:" + "b".repeat(64);
    static final String D3 = "sha256:" + "c".repeat(64);

    static String image(String extra) {
        return """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
                 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":7},
                 "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":9},
                           {"mediaType":"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip","digest":"%s",
                            "size":1,"urls":["https://example.com/layer"]}]%s}""".formatted(D1, D2, D3, extra);
    }

    static Manifest parse(String json, String contentType) {
        return Manifest.parse(json.getBytes(StandardCharsets.UTF_8), contentType);
    }

    @Test
    void readsAnImageManifestAndTheBlobsItNeeds() {
        Manifest m = parse(image(""), MediaTypes.OCI_MANIFEST);
        assertEquals(MediaTypes.OCI_MANIFEST, m.mediaType());
        assertEquals(2, m.layers().size());
        assertEquals(2, m.requiredBlobs().size(), "the external layer is not required");
        assertEquals("application/vnd.oci.image.config.v1+json", m.effectiveArtifactType());
        assertNull(m.subject());
    }

    @Test
    void readsSubjectArtifactTypeAndAnnotations() {
        Manifest m = parse(image(",\"artifactType\":\"application/vnd.example.sbom\",\"subject\":{\"mediaType\":"
                + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + D1 + "\",\"size\":100},"
                + "\"annotations\":{\"k\":\"v\"}"), MediaTypes.OCI_MANIFEST);
        assertEquals(D1, m.subject().digest().toString());
        assertEquals("application/vnd.example.sbom", m.effectiveArtifactType());
        assertEquals("v", m.annotations().get("k"));
    }

    @Test
    void readsAnIndexWithPlatforms() {
        Manifest m = parse("""
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
                 {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":5,
                  "platform":{"os":"linux","architecture":"arm64","variant":"v8"}}]}""".formatted(D1),
                "application/vnd.oci.image.index.v1+json; charset=utf-8");
        assertTrue(m.isIndex());
        assertEquals("arm64", m.manifests().get(0).platform().architecture());
        assertTrue(m.requiredBlobs().isEmpty());
    }

    @Test
    void contentTypeDecidesWhenTheBodyNamesNoMediaType() {
        Manifest m = parse(image("").replace("\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",", ""),
                MediaTypes.OCI_MANIFEST);
        assertEquals(MediaTypes.OCI_MANIFEST, m.mediaType());
    }

    @Test
    void rejectsWhatIsNotAManifest() {
        assertInvalid("not json", MediaTypes.OCI_MANIFEST, "not valid JSON");
        assertInvalid("[1,2]", MediaTypes.OCI_MANIFEST, "not a JSON object");
        assertInvalid(image("").replace("\"schemaVersion\":2", "\"schemaVersion\":1"), MediaTypes.OCI_MANIFEST,
                "schemaVersion");
        assertInvalid(image(""), MediaTypes.OCI_INDEX, "does not match");
        assertInvalid(image("").replace("application/vnd.oci.image.manifest.v1+json", "text/plain"), "text/plain",
                "unsupported manifest media type");
        assertInvalid("{\"schemaVersion\":2,\"layers\":[]}", MediaTypes.OCI_MANIFEST, "'config'");
        assertInvalid(image("").replace("\"size\":9", "\"size\":-1"), MediaTypes.OCI_MANIFEST, "size");
        assertInvalid(image("").replace(D2, "sha256:nothex"), MediaTypes.OCI_MANIFEST, "layers[0].digest");
    }

    @Test
    void digestIsOfTheExactBytes() {
        String json = image("");
        assertEquals(Digest.sha256(json.getBytes(StandardCharsets.UTF_8)), parse(json, MediaTypes.OCI_MANIFEST).digest());
        assertEquals(DigestAlgorithm.SHA512, Manifest.parse(json.getBytes(StandardCharsets.UTF_8),
                MediaTypes.OCI_MANIFEST, DigestAlgorithm.SHA512).digest().algorithm());
    }

    private static void assertInvalid(String json, String contentType, String messagePart) {
        InvalidManifestException e = assertThrows(InvalidManifestException.class, () -> parse(json, contentType));
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }
}
