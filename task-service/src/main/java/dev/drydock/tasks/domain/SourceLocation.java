package dev.drydock.tasks.domain;

import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * Where a run's source comes from, as {@code az acr build} and {@code az acr task create -c} name it: nothing
 * ({@code /dev/null}), an uploaded context (the id the upload returned), or a Git repository
 * {@code <url>[#<branch or commit>[:<folder>]]}.
 */
public record SourceLocation(Kind kind, String upload, String gitUrl, String gitRef, String folder) {

    public enum Kind { NONE, UPLOAD, GIT }

    private static final Set<String> GIT_SCHEMES = Set.of("https", "http", "git");

    public static final SourceLocation NONE = new SourceLocation(Kind.NONE, null, null, null, null);
    /** The branch a Git context without one follows, for source triggers. */
    public static final String DEFAULT_BRANCH = "main";

    /** @throws IllegalArgumentException for text that is none of the three */
    public static SourceLocation parse(String text) {
        if (text == null || text.isBlank() || text.equals("/dev/null")) {
            return NONE;
        }
        String value = text.strip();
        int hash = value.indexOf('#');
        String address = hash < 0 ? value : value.substring(0, hash);
        if (address.contains("://")) {
            URI uri;
            try {
                uri = URI.create(address);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("source location '" + text + "' is not a URL");
            }
            if (uri.getScheme() == null || !GIT_SCHEMES.contains(uri.getScheme().toLowerCase(Locale.ROOT))
                    || uri.getHost() == null) {
                throw new IllegalArgumentException("a Git source is an https, http or git URL, got '" + text + "'");
            }
            String ref = null;
            String folder = null;
            if (hash >= 0) {
                String fragment = value.substring(hash + 1);
                int colon = fragment.indexOf(':');
                ref = colon < 0 ? fragment : fragment.substring(0, colon);
                folder = colon < 0 ? null : fragment.substring(colon + 1);
                ref = ref.isEmpty() ? null : ref;
                folder = folder == null || folder.isEmpty() ? null : folder;
                if (ref != null && (ref.startsWith("-") || !ref.matches("[A-Za-z0-9._/-]+"))) {
                    throw new IllegalArgumentException("'" + ref + "' is not a branch, tag or commit");
                }
                if (folder != null && (folder.startsWith("/") || folder.contains(".."))) {
                    throw new IllegalArgumentException("the folder '" + folder + "' must stay inside the repository");
                }
            }
            return new SourceLocation(Kind.GIT, null, address, ref, folder);
        }
        try {
            return new SourceLocation(Kind.UPLOAD, UUID.fromString(value).toString(), null, null, null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("source location '" + text + "' is neither an uploaded source's id"
                    + " nor a Git URL");
        }
    }

    /** Whether {@code gitRef} names a commit (a hex object id) rather than a branch or tag. */
    public boolean isCommit() {
        return gitRef != null && gitRef.matches("[0-9a-f]{7,40}");
    }

    @Override
    public String toString() {
        return switch (kind) {
            case NONE -> "/dev/null";
            case UPLOAD -> upload;
            case GIT -> gitUrl + (gitRef == null && folder == null ? "" : "#" + (gitRef == null ? "" : gitRef)
                    + (folder == null ? "" : ":" + folder));
        };
    }
}
