package dev.drydock.operations;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.Map;

/** Answers in the management APIs' error shape {@code {"error": {"code", "message", …}}}, for every service. */
public final class ManagementErrors {

    private ManagementErrors() {
    }

    public static Response of(Response.Status status, String code, String message) {
        return of(status.getStatusCode(), code, message, Map.of());
    }

    /** @param extra further fields of the error (a document error's line and column) */
    public static Response of(int status, String code, String message, Map<String, Object> extra) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        error.putAll(extra);
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(Map.of("error", error)).build();
    }

    /** 401 with a Basic challenge for {@code realm}. */
    public static Response basicChallenge(String realm, String message) {
        return Response.fromResponse(of(Response.Status.UNAUTHORIZED, "Unauthorized", message))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"" + realm + "\"").build();
    }
}
