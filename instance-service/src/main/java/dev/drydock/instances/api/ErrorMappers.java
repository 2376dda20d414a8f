package dev.drydock.instances.api;

import dev.drydock.operations.ManagementErrors;
import dev.drydock.documents.DocumentException;
import dev.drydock.instances.service.Capacity;
import dev.drydock.instances.service.ConflictException;
import dev.drydock.instances.service.InvalidRequestException;
import dev.drydock.instances.service.NotFoundException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Map;

/**
 * Errors in the management APIs' shape, {@code {"error": {"code", "message"}}}, with ACI's codes where it has
 * them; a document error carries its line and column. No stack traces for what the caller got wrong.
 */
public class ErrorMappers {

    @ServerExceptionMapper
    public Response document(DocumentException e) {
        return ManagementErrors.of(400, "InvalidContainerGroup", e.getMessage(),
                Map.of("line", e.line(), "column", e.column()));
    }

    @ServerExceptionMapper
    public Response invalid(InvalidRequestException e) {
        return ManagementErrors.of(Response.Status.BAD_REQUEST, "InvalidRequest", e.getMessage());
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return ManagementErrors.of(Response.Status.NOT_FOUND, "ResourceNotFound", e.getMessage());
    }

    @ServerExceptionMapper
    public Response conflict(ConflictException e) {
        return ManagementErrors.of(Response.Status.CONFLICT, "Conflict", e.getMessage());
    }

    @ServerExceptionMapper
    public Response tooManySessions(ExecSessions.TooManySessions e) {
        return Response.fromResponse(ManagementErrors.of(429, "TooManyRequests", e.getMessage(), Map.of()))
                .header("Retry-After", "30").build();
    }

    /** ACI answers a group that does not fit with ServiceUnavailable; capacity may free as other groups stop. */
    @ServerExceptionMapper
    public Response capacity(Capacity.InsufficientCapacityException e) {
        return Response.fromResponse(ManagementErrors.of(503, "ServiceUnavailable", e.getMessage(), Map.of()))
                .header("Retry-After", "60").build();
    }
}
