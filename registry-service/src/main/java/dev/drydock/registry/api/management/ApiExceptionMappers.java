package dev.drydock.registry.api.management;

import dev.drydock.operations.ManagementErrors;
import dev.drydock.registry.domain.Refusal;
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
        return ManagementErrors.of(e.kind().status(), e.kind().code(), e.getMessage(), Map.of());
    }
}
