package dev.drydock.registry.api.metadata;

import dev.drydock.registry.domain.RegistryException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** /acr/v1 answers refusals with the Distribution error body, as ACR does. */
public class RegistryExceptionMapper {

    private static final Logger LOG = Logger.getLogger(RegistryExceptionMapper.class);

    @ServerExceptionMapper
    public Response refused(RegistryException e) {
        if (e.code().status() >= 500) {
            LOG.errorf("metadata request failed: %s", e.getMessage());
        }
        return response(e);
    }

    /** The Distribution error body with the refusal's status and headers (a challenge, Retry-After). */
    static Response response(RegistryException e) {
        Response.ResponseBuilder response = Response.status(e.code().status()).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(e.body());
        e.headers().forEach(response::header);
        return response.build();
    }
}
