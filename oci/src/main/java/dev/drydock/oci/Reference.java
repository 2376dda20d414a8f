package dev.drydock.oci;

import java.util.Optional;
import java.util.regex.Pattern;

/** What follows {@code /manifests/}: a tag or a digest. */
public record Reference(String tag, Digest digest) {

    private static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");

    public Reference {
        if ((tag == null) == (digest == null)) {
            throw new IllegalArgumentException("a reference is a tag or a digest");
        }
        if (tag != null && !isValidTag(tag)) {
            throw new InvalidReferenceException("invalid tag: " + tag);
        }
    }

    public static boolean isValidTag(String tag) {
        return tag != null && TAG.matcher(tag).matches();
    }

    public static Reference tag(String tag) {
        return new Reference(tag, null);
    }

    public static Reference digest(Digest digest) {
        return new Reference(null, digest);
    }

    /**
     * A text with a colon is a digest (tags cannot hold one), anything else a tag.
     *
     * @throws InvalidReferenceException for an invalid tag
     * @throws InvalidDigestException for an invalid digest
     * @throws UnsupportedDigestException for a digest of an algorithm Drydock does not verify
     */
    public static Reference parse(String text) {
        if (text != null && text.indexOf(':') >= 0) {
            return digest(Digest.parse(text));
        }
        return tag(text);
    }

    public boolean isDigest() {
        return digest != null;
    }

    public Optional<String> tagName() {
        return Optional.ofNullable(tag);
    }

    @Override
    public String toString() {
        return isDigest() ? digest.toString() : tag;
    }
}
