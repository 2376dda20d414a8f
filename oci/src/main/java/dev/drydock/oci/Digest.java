package dev.drydock.oci;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest, {@code algorithm:encoded}, as the OCI image spec defines it. Only well-formed digests of a
 * supported algorithm can be constructed, so code holding a Digest never re-validates it, and its hex part is safe
 * to use in a file path.
 */
public record Digest(DigestAlgorithm algorithm, String hex) {

    /** The spec's general grammar; a digest that matches it but names another algorithm is unsupported, not invalid. */
    private static final Pattern GRAMMAR = Pattern.compile("[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+");

    public Digest {
        if (algorithm == null || hex == null || !algorithm.accepts(hex)) {
            throw new InvalidDigestException("not a valid " + algorithm + " digest: " + hex);
        }
    }

    /**
     * @throws InvalidDigestException when the text is not a digest
     * @throws UnsupportedDigestException when it is one, of an algorithm Drydock does not verify
     */
    public static Digest parse(String text) {
        if (text == null || !GRAMMAR.matcher(text).matches()) {
            throw new InvalidDigestException("invalid digest: " + text);
        }
        int colon = text.indexOf(':');
        String algorithmId = text.substring(0, colon);
        DigestAlgorithm algorithm = DigestAlgorithm.byId(algorithmId)
                .orElseThrow(() -> new UnsupportedDigestException("unsupported digest algorithm: " + algorithmId));
        String encoded = text.substring(colon + 1);
        if (!algorithm.accepts(encoded)) {
            throw new InvalidDigestException("invalid " + algorithmId + " digest: " + text);
        }
        return new Digest(algorithm, encoded);
    }

    public static Digest of(DigestAlgorithm algorithm, byte[] content) {
        return fromHash(algorithm, algorithm.newMessageDigest().digest(content));
    }

    public static Digest sha256(byte[] content) {
        return of(DigestAlgorithm.SHA256, content);
    }

    /** The digest a streaming hasher finished with (see {@link DigestAlgorithm#newMessageDigest()}). */
    public static Digest of(DigestAlgorithm algorithm, MessageDigest finished) {
        return fromHash(algorithm, finished.digest());
    }

    private static Digest fromHash(DigestAlgorithm algorithm, byte[] hash) {
        return new Digest(algorithm, HexFormat.of().formatHex(hash));
    }

    @Override
    public String toString() {
        return algorithm.id() + ":" + hex;
    }
}
