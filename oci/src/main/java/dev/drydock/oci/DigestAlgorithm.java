package dev.drydock.oci;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.regex.Pattern;

/** The digest algorithms Drydock verifies content with: the two the OCI image spec registers for content. */
public enum DigestAlgorithm {
    SHA256("sha256", "SHA-256", 64),
    SHA512("sha512", "SHA-512", 128);

    private final String id;
    private final String jcaName;
    private final Pattern encoded;

    DigestAlgorithm(String id, String jcaName, int hexLength) {
        this.id = id;
        this.jcaName = jcaName;
        this.encoded = Pattern.compile("[a-f0-9]{" + hexLength + "}");
    }

    public String id() {
        return id;
    }

    public static Optional<DigestAlgorithm> byId(String id) {
        for (DigestAlgorithm a : values()) {
            if (a.id.equals(id)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    boolean accepts(String encodedPart) {
        return encoded.matcher(encodedPart).matches();
    }

    public MessageDigest newMessageDigest() {
        try {
            return MessageDigest.getInstance(jcaName);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks " + jcaName, e);
        }
    }
}
