package dev.drydock.oci;

import java.util.Locale;
import java.util.Optional;

/**
 * A full image reference as clients write it: {@code [host[:port]/]repository[:tag][@digest]}. The first path
 * component is a host when it contains a dot or a colon or is {@code localhost}, as docker decides it.
 *
 * @param host       the registry host with its port, lowercased; null when the reference names none (Docker Hub)
 * @param repository the repository path
 * @param tag        the tag, or null
 * @param digest     the digest, or null
 */
public record ImageReference(String host, String repository, String tag, Digest digest) {

    public static ImageReference parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidReferenceException("an image reference is empty");
        }
        String rest = text.strip();
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = Digest.parse(rest.substring(at + 1));
            rest = rest.substring(0, at);
        }
        String host = null;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                host = first.toLowerCase(Locale.ROOT);
                rest = rest.substring(slash + 1);
            }
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!Reference.isValidTag(tag)) {
                throw new InvalidReferenceException("invalid tag '" + tag + "' in " + text);
            }
        }
        if (!RepositoryName.isValid(rest)) {
            throw new InvalidReferenceException("invalid repository '" + rest + "' in " + text);
        }
        return new ImageReference(host, rest, tag, digest);
    }

    public Optional<String> hostName() {
        return Optional.ofNullable(host);
    }

    /** The host without its port. */
    public String hostWithoutPort() {
        if (host == null) {
            return null;
        }
        int colon = host.lastIndexOf(':');
        return colon > 0 && host.indexOf(']') < colon ? host.substring(0, colon) : host;
    }

    @Override
    public String toString() {
        return (host == null ? "" : host + "/") + repository + (tag == null ? "" : ":" + tag)
                + (digest == null ? "" : "@" + digest);
    }
}
