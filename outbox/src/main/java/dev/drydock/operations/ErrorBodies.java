package dev.drydock.operations;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The two error bodies Drydock answers with: the Distribution shape {@code {"errors":[{"code","message"}]}} on the
 * registry's /v2 and /acr/v1 (ACR answers /acr/v1 the same way), and the management APIs' shape
 * {@code {"error":{"code","message"}}} everywhere else.
 */
public final class ErrorBodies {

    private ErrorBodies() {
    }

    /** Whether a path is answered in the Distribution shape. */
    public static boolean distribution(String path) {
        return path != null && (path.equals("/v2") || path.startsWith("/v2/") || path.startsWith("/acr/"));
    }

    /** The body for {@code path}; {@code code} in the management shape (NotFound), translated for Distribution. */
    public static JsonObject of(String path, int status, String code, String message) {
        if (distribution(path)) {
            return new JsonObject().put("errors", new JsonArray().add(new JsonObject()
                    .put("code", distributionCode(status)).put("message", message)));
        }
        return new JsonObject().put("error", new JsonObject().put("code", code).put("message", message));
    }

    /** The management shape's code for an HTTP status nothing more specific named. */
    public static String code(int status) {
        return switch (status) {
            case 400 -> "InvalidRequest";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "NotFound";
            case 405 -> "MethodNotAllowed";
            case 406 -> "NotAcceptable";
            case 413 -> "RequestTooLarge";
            case 415 -> "UnsupportedMediaType";
            case 429 -> "TooManyRequests";
            case 503 -> "ServiceUnavailable";
            default -> status >= 500 ? "InternalError" : "InvalidRequest";
        };
    }

    private static String distributionCode(int status) {
        return switch (status) {
            case 401 -> "UNAUTHORIZED";
            case 403 -> "DENIED";
            case 404 -> "NAME_UNKNOWN";
            case 405 -> "UNSUPPORTED";
            case 429 -> "TOOMANYREQUESTS";
            case 503 -> "UNAVAILABLE";
            default -> status >= 500 ? "UNKNOWN" : "UNSUPPORTED";
        };
    }
}
