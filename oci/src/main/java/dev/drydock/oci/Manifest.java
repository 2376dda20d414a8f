package dev.drydock.oci;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed image manifest or index. The registry keeps the exact bytes it was given; this is what it reads from
 * them: the media type, the descriptors it must check, the subject and the artifact type for referrers.
 */
public record Manifest(
        String mediaType,
        Digest digest,
        long size,
        Descriptor config,
        List<Descriptor> layers,
        List<Descriptor> manifests,
        Descriptor subject,
        String artifactType,
        Map<String, String> annotations) {

    /** Duplicate keys are an error: with "last one wins" the registry and a client could read different manifests. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    public Manifest {
        layers = List.copyOf(layers);
        manifests = List.copyOf(manifests);
        annotations = Map.copyOf(annotations);
    }

    public boolean isIndex() {
        return MediaTypes.INDEXES.contains(mediaType);
    }

    public Optional<Descriptor> subjectDescriptor() {
        return Optional.ofNullable(subject);
    }

    /** What the referrers API reports as this manifest's artifact type. */
    public String effectiveArtifactType() {
        if (artifactType != null) {
            return artifactType;
        }
        return config == null ? null : config.mediaType();
    }

    /** Every blob (config and distributable layers) this manifest needs in its repository. */
    public List<Descriptor> requiredBlobs() {
        List<Descriptor> blobs = new ArrayList<>();
        if (config != null) {
            blobs.add(config);
        }
        layers.stream().filter(l -> !l.isExternal()).forEach(blobs::add);
        return blobs;
    }

    /**
     * @param contentType the request's Content-Type (parameters ignored)
     * @throws InvalidManifestException when the bytes are not a manifest of a known type, or contradict the
     *                                  Content-Type
     */
    public static Manifest parse(byte[] bytes, String contentType) {
        return parse(bytes, contentType, DigestAlgorithm.SHA256);
    }

    /** As {@link #parse(byte[], String)}, with the manifest's digest computed with the given algorithm. */
    public static Manifest parse(byte[] bytes, String contentType, DigestAlgorithm algorithm) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new InvalidManifestException("manifest is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidManifestException("manifest cannot be read: " + e.getMessage());
        }
        if (!(root instanceof ObjectNode)) {
            throw new InvalidManifestException("manifest is not a JSON object");
        }
        if (root.path("schemaVersion").asInt(-1) != 2 || !root.path("schemaVersion").isIntegralNumber()) {
            throw new InvalidManifestException("schemaVersion must be 2");
        }
        String declared = text(root, "mediaType");
        String header = MediaTypes.essence(contentType);
        String mediaType = resolveMediaType(declared, header);

        Descriptor config = null;
        List<Descriptor> layers = List.of();
        List<Descriptor> manifests = List.of();
        if (MediaTypes.INDEXES.contains(mediaType)) {
            manifests = descriptors(root, "manifests", true);
        } else {
            config = descriptor(required(root, "config"), "config");
            layers = descriptors(root, "layers", true);
        }
        JsonNode subjectNode = root.get("subject");
        Descriptor subject = subjectNode == null || subjectNode.isNull() ? null : descriptor(subjectNode, "subject");
        return new Manifest(mediaType, Digest.of(algorithm, bytes), bytes.length, config, layers, manifests, subject,
                text(root, "artifactType"), stringMap(root.get("annotations"), "annotations"));
    }

    private static String resolveMediaType(String declared, String header) {
        if (declared != null && !MediaTypes.isManifest(declared)) {
            throw new InvalidManifestException("unsupported manifest media type: " + declared);
        }
        if (header != null && MediaTypes.isManifest(header)) {
            if (declared != null && !declared.equals(header)) {
                throw new InvalidManifestException(
                        "Content-Type " + header + " does not match the manifest's mediaType " + declared);
            }
            return header;
        }
        if (declared == null) {
            throw new InvalidManifestException("unsupported manifest media type: " + header
                    + " (expected one of " + MediaTypes.OCI_MANIFEST + ", " + MediaTypes.OCI_INDEX + ", "
                    + MediaTypes.DOCKER_MANIFEST + ", " + MediaTypes.DOCKER_MANIFEST_LIST + ")");
        }
        return declared;
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidManifestException("missing required field '" + field + "'");
        }
        return value;
    }

    private static List<Descriptor> descriptors(JsonNode root, String field, boolean required) {
        JsonNode array = required ? required(root, field) : root.get(field);
        if (!array.isArray()) {
            throw new InvalidManifestException("'" + field + "' must be an array");
        }
        List<Descriptor> result = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            result.add(descriptor(array.get(i), field + "[" + i + "]"));
        }
        return result;
    }

    private static Descriptor descriptor(JsonNode node, String where) {
        if (!node.isObject()) {
            throw new InvalidManifestException(where + " must be a descriptor object");
        }
        String mediaType = text(node, "mediaType");
        if (mediaType == null || mediaType.isBlank()) {
            throw new InvalidManifestException(where + ".mediaType is required");
        }
        String digestText = text(node, "digest");
        Digest digest;
        try {
            digest = Digest.parse(digestText);
        } catch (IllegalArgumentException e) {
            throw new InvalidManifestException(where + ".digest: " + e.getMessage());
        }
        JsonNode size = node.get("size");
        if (size == null || !size.isIntegralNumber() || size.asLong() < 0) {
            throw new InvalidManifestException(where + ".size must be a non-negative integer");
        }
        List<String> urls = new ArrayList<>();
        JsonNode urlsNode = node.get("urls");
        if (urlsNode != null && urlsNode.isArray()) {
            urlsNode.forEach(u -> urls.add(u.asText()));
        }
        JsonNode platformNode = node.get("platform");
        Descriptor.Platform platform = platformNode == null || !platformNode.isObject() ? null
                : new Descriptor.Platform(text(platformNode, "os"), text(platformNode, "architecture"),
                        text(platformNode, "variant"));
        return new Descriptor(mediaType, digest, size.asLong(), urls, text(node, "artifactType"),
                stringMap(node.get("annotations"), where + ".annotations"), platform);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidManifestException("'" + field + "' must be a string");
        }
        return value.asText();
    }

    private static Map<String, String> stringMap(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new InvalidManifestException(where + " must be an object of strings");
        }
        Map<String, String> map = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual()) {
                throw new InvalidManifestException(where + "." + e.getKey() + " must be a string");
            }
            map.put(e.getKey(), e.getValue().asText());
        });
        return map;
    }
}
