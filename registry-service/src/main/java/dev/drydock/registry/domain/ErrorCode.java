package dev.drydock.registry.domain;

/** The distribution spec's error codes with the HTTP status each is answered with. */
public enum ErrorCode {
    BLOB_UNKNOWN(404, "blob unknown to registry"),
    BLOB_UPLOAD_INVALID(400, "blob upload invalid"),
    BLOB_UPLOAD_UNKNOWN(404, "blob upload unknown to registry"),
    DIGEST_INVALID(400, "provided digest did not match uploaded content"),
    MANIFEST_BLOB_UNKNOWN(400, "manifest references a blob unknown to the repository"),
    MANIFEST_INVALID(400, "manifest invalid"),
    MANIFEST_UNKNOWN(404, "manifest unknown"),
    NAME_INVALID(400, "invalid repository name"),
    NAME_UNKNOWN(404, "repository name not known to registry"),
    SIZE_INVALID(400, "provided length did not match content length"),
    TAG_INVALID(400, "manifest tag did not match URI"),
    UNAUTHORIZED(401, "authentication required"),
    DENIED(403, "requested access to the resource is denied"),
    UNSUPPORTED(405, "the operation is unsupported"),
    TOOMANYREQUESTS(429, "too many requests"),
    RANGE_INVALID(416, "invalid content range"),
    PAGINATION_NUMBER_INVALID(400, "invalid number of results requested"),
    MANIFEST_TOO_LARGE(413, "manifest too large"),
    /** A lock (changeableAttributes) forbids the write or delete; ACR answers 405, which acr purge skips. */
    LOCKED(405, "the operation is disallowed on this registry, repository or image"),
    /** The Host names no registry of this service (421 Misdirected Request); on the wire NAME_UNKNOWN. */
    MISDIRECTED(421, "no registry answers to this host"),
    /** The database (or another dependency) cannot be reached now; Distribution's own code for 503. */
    UNAVAILABLE(503, "service unavailable"),
    UNKNOWN(500, "unknown error");

    private final int status;
    private final String message;

    ErrorCode(int status, String message) {
        this.status = status;
        this.message = message;
    }

    public int status() {
        return status;
    }

    public String message() {
        return message;
    }

    /** The code as written on the wire: the spec's codes only (413 is MANIFEST_INVALID, a lock is DENIED). */
    public String wireCode() {
        return switch (this) {
            case MANIFEST_TOO_LARGE -> MANIFEST_INVALID.name();
            case LOCKED -> DENIED.name();
            case MISDIRECTED -> NAME_UNKNOWN.name();
            default -> name();
        };
    }
}
