package dev.drydock.registry.api.management;

import dev.drydock.registry.domain.Refusal;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Map;

/** Turns refusals into ARM-style error bodies with the right status (unreadable bodies: the shared RestErrors). */
public class ApiExceptionMappers {

    private static final Logger LOG = Logger.getLogger(ApiExceptionMappers.class);

    @ServerExceptionMapper
    public Response refused(Refusal e) {
        LOG.debugf("refused: %s %s", e.kind(), e.getMessage());
        return body(e.kind().status(), e.kind().code(), e.getMessage());
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
