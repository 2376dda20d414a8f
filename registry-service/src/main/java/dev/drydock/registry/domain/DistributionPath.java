package dev.drydock.registry.domain;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * What a {@code /v2/...} path asks for. Repository names may contain slashes (and even the words "blobs" or
 * "manifests"), so the path is read from its end: the last marker wins, since what follows a marker (a digest, a tag,
 * an upload id) never contains a slash.
 */
public record DistributionPath(Kind kind, String name, String reference) {

    public enum Kind { BASE, CATALOG, TAGS, MANIFEST, BLOB, UPLOADS, UPLOAD, REFERRERS }

    private static final String PREFIX = "/v2/";

    public static Optional<DistributionPath> parse(String path) {
        if (path == null || !(path.startsWith(PREFIX) || path.equals("/v2"))) {
            return Optional.empty();
        }
        String rest = path.length() <= PREFIX.length() ? "" : path.substring(PREFIX.length());
        if (rest.isEmpty()) {
            return Optional.of(new DistributionPath(Kind.BASE, null, null));
        }
        if (rest.equals("_catalog")) {
            return Optional.of(new DistributionPath(Kind.CATALOG, null, null));
        }
        if (rest.endsWith("/tags/list")) {
            return Optional.of(new DistributionPath(Kind.TAGS, decode(rest.substring(0, rest.length() - 10)), null));
        }
        int manifests = rest.lastIndexOf("/manifests/");
        int blobs = rest.lastIndexOf("/blobs/");
        int referrers = rest.lastIndexOf("/referrers/");
        int last = Math.max(manifests, Math.max(blobs, referrers));
        if (last <= 0) {
            return Optional.empty();
        }
        String name = decode(rest.substring(0, last));
        if (last == manifests) {
            return single(Kind.MANIFEST, name, rest.substring(last + 11));
        }
        if (last == referrers) {
            return single(Kind.REFERRERS, name, rest.substring(last + 11));
        }
        String after = rest.substring(last + 7);
        if (after.equals("uploads") || after.equals("uploads/")) {
            return Optional.of(new DistributionPath(Kind.UPLOADS, name, null));
        }
        if (after.startsWith("uploads/")) {
            return single(Kind.UPLOAD, name, after.substring(8));
        }
        return single(Kind.BLOB, name, after);
    }

    private static Optional<DistributionPath> single(Kind kind, String name, String reference) {
        if (reference.isEmpty() || reference.indexOf('/') >= 0) {
            return Optional.empty();
        }
        return Optional.of(new DistributionPath(kind, name, decode(reference)));
    }

    private static String decode(String component) {
        return component.indexOf('%') < 0 ? component
                : URLDecoder.decode(component.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
