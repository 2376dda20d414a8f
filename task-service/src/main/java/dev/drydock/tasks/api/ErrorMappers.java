package dev.drydock.tasks.api;

import dev.drydock.operations.DatabaseUnavailable;
import dev.drydock.operations.ManagementErrors;
import dev.drydock.tasks.domain.HostileContextException;
import dev.drydock.tasks.domain.TaskFileException;
import dev.drydock.tasks.service.ConflictException;
import dev.drydock.tasks.service.ForbiddenException;
import dev.drydock.tasks.service.InvalidRequestException;
import dev.drydock.tasks.service.RegistryUnavailableException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Map;

/**
 * Errors in the management APIs' shape, {@code {"error": {"code", "message"}}}: no stack traces for what the caller
 * got wrong; task file errors carry their line and column.
 */
public class ErrorMappers {

    @ServerExceptionMapper
    public Response invalid(InvalidRequestException e) {
        return ManagementErrors.of(Response.Status.BAD_REQUEST, "InvalidRequest", e.getMessage());
    }

    @ServerExceptionMapper
    public Response taskFile(TaskFileException e) {
        return ManagementErrors.of(400, "InvalidTaskFile", e.getMessage(),
                Map.of("line", e.line(), "column", e.column()));
    }

    @ServerExceptionMapper
    public Response hostile(HostileContextException e) {
        return ManagementErrors.of(Response.Status.BAD_REQUEST, "InvalidSource", e.getMessage());
    }

    @ServerExceptionMapper
    public Response conflict(ConflictException e) {
        return ManagementErrors.of(Response.Status.CONFLICT, "Conflict", e.getMessage());
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return ManagementErrors.of(Response.Status.FORBIDDEN, "Forbidden", e.getMessage());
    }

    @ServerExceptionMapper
    public Response unavailable(RegistryUnavailableException e) {
        return Response.fromResponse(ManagementErrors.of(Response.Status.SERVICE_UNAVAILABLE, "RegistryUnavailable",
                e.getMessage())).header("Retry-After", DatabaseUnavailable.RETRY_AFTER).build();
    }
}
