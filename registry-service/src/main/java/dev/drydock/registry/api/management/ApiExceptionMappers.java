package dev.drydock.registry.api.management;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.drydock.registry.domain.Refusal;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Map;

/** Turns refusals and unreadable bodies into ARM-style error bodies with the right status. */
public class ApiExceptionMappers {

    private static final Logger LOG = Logger.getLogger(ApiExceptionMappers.class);

    @ServerExceptionMapper
    public Response refused(Refusal e) {
        LOG.debugf("refused: %s %s", e.kind(), e.getMessage());
        return body(e.kind().status(), e.kind().code(), e.getMessage());
    }

    /** Quarkus maps this subtype itself; naming it here keeps one error shape. */
    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        return unreadable(e);
    }

    @ServerExceptionMapper
    public Response unreadable(JsonProcessingException e) {
        String message = e instanceof UnrecognizedPropertyException u
                ? "unknown field '" + u.getPropertyName() + "'"
                : "the body is not valid JSON for this request: " + e.getOriginalMessage();
        return body(400, "InvalidRequestBody", message);
    }

    static Response body(int status, String code, String message) {
        return body(status, code, message, Map.of());
    }

    static Response body(int status, String code, String message, Map<String, String> headers) {
        Response.ResponseBuilder response = Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("error", Map.of("code", code, "message", message)));
        headers.forEach(response::header);
        return response.build();
    }
}
