package dev.drydock.tasks.api;

import dev.drydock.tasks.domain.HostileContextException;
import dev.drydock.tasks.domain.TaskFileException;
import dev.drydock.tasks.service.ConflictException;
import dev.drydock.tasks.service.InvalidRequestException;
import dev.drydock.tasks.service.RegistryUnavailableException;
import dev.drydock.operations.DatabaseUnavailable;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Errors in the management APIs' shape, {@code {"error": {"code", "message"}}}: no stack traces for what the caller
 * got wrong; task file errors carry their line and column.
 */
public class ErrorMappers {

    static Response error(Response.Status status, String code, String message) {
        return error(status.getStatusCode(), code, message, Map.of());
    }

    static Response error(int status, String code, String message, Map<String, Object> extra) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        error.putAll(extra);
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(Map.of("error", error)).build();
    }

    @ServerExceptionMapper
    public Response invalid(InvalidRequestException e) {
        return error(Response.Status.BAD_REQUEST, "InvalidRequest", e.getMessage());
    }

    @ServerExceptionMapper
    public Response taskFile(TaskFileException e) {
        return error(400, "InvalidTaskFile", e.getMessage(), Map.of("line", e.line(), "column", e.column()));
    }

    @ServerExceptionMapper
    public Response hostile(HostileContextException e) {
        return error(Response.Status.BAD_REQUEST, "InvalidSource", e.getMessage());
    }

    @ServerExceptionMapper
    public Response conflict(ConflictException e) {
        return error(Response.Status.CONFLICT, "Conflict", e.getMessage());
    }

    @ServerExceptionMapper
    public Response unavailable(RegistryUnavailableException e) {
        return Response.fromResponse(error(Response.Status.SERVICE_UNAVAILABLE, "RegistryUnavailable", e.getMessage()))
                .header("Retry-After", DatabaseUnavailable.RETRY_AFTER).build();
    }
}
