package dev.drydock.registry.api.management;

import dev.drydock.registry.service.TokenSigner;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.Map;

/** /api/v1/signing-keys: the token signing keys' ids, and rotation (live tokens stay valid). */
@Path("/api/v1/signing-keys")
@Produces(MediaType.APPLICATION_JSON)
public class SigningKeysResource {

    private final TokenSigner signer;

    SigningKeysResource(TokenSigner signer) {
        this.signer = signer;
    }

    @GET
    public Map<String, Object> list() {
        return Map.of("value", signer.keyIds(), "signing", signer.signingKeyId());
    }

    @POST
    @Path("rotate")
    @Consumes(MediaType.WILDCARD)
    public Uni<Map<String, String>> rotate() {
        return signer.rotate().map(kid -> Map.of("signing", kid));
    }
}
