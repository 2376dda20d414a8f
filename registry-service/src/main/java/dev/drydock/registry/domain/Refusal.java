package dev.drydock.registry.domain;

/**
 * An expected refusal of a management request (registries, webhooks, import): the API answers it with the
 * status of its kind and ARM's error body; it is never logged with a stack trace.
 */
public class Refusal extends RuntimeException {

    public enum Kind {
        INVALID(400, "InvalidRequest"),
        NOT_FOUND(404, "NotFound"),
        CONFLICT(409, "Conflict"),
        /** The registry's SKU does not include the feature or the count asked for. */
        SKU_LIMIT(409, "SkuLimitExceeded"),
        /** Another registry (an import source) failed or refused. */
        UPSTREAM(502, "UpstreamFailed");

        private final int status;
        private final String code;

        Kind(int status, String code) {
            this.status = status;
            this.code = code;
        }

        public int status() {
            return status;
        }

        public String code() {
            return code;
        }
    }

    private final Kind kind;

    public Refusal(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public static Refusal invalid(String message) {
        return new Refusal(Kind.INVALID, message);
    }

    public static Refusal notFound(String what) {
        return new Refusal(Kind.NOT_FOUND, what + " does not exist");
    }

    public Kind kind() {
        return kind;
    }
}
