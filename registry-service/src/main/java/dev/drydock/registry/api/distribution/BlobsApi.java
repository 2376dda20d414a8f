package dev.drydock.registry.api.distribution;

import dev.drydock.oci.Digest;
import dev.drydock.registry.domain.ByteRange;
import dev.drydock.registry.service.BlobService;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

/** end-2 (GET/HEAD a blob, with Range) and end-10 (DELETE a blob from a repository). */
@ApplicationScoped
class BlobsApi {

    private final BlobService blobs;

    BlobsApi(BlobService blobs) {
        this.blobs = blobs;
    }

    Uni<Void> get(DistributionRequest req) {
        req.resumeBody();
        Digest digest = Params.digest(req.reference());
        return blobs.size(req.registryId(), req.name(), digest).invoke(size -> {
            Optional<ByteRange> range = ByteRange.parse(req.request().getHeader("Range"), size);
            HttpServerResponse response = req.response()
                    .putHeader("Docker-Content-Digest", digest.toString())
                    .putHeader("ETag", "\"" + digest + "\"")
                    .putHeader("Accept-Ranges", "bytes")
                    .putHeader("Cache-Control", "max-age=31536000")
                    .putHeader("Content-Type", "application/octet-stream");
            long offset = range.map(ByteRange::start).orElse(0L);
            long length = range.map(ByteRange::length).orElse(size);
            if (range.isPresent()) {
                response.setStatusCode(206).putHeader("Content-Range",
                        "bytes " + range.get().start() + "-" + range.get().end() + "/" + size);
            }
            if (req.request().method() == HttpMethod.HEAD) {
                response.putHeader("Content-Length", String.valueOf(length)).end();
            } else {
                // sendFile: the kernel copies the bytes to the socket (zero-copy on plain HTTP)
                response.sendFile(blobs.file(digest).toString(), offset, length);
            }
        }).replaceWithVoid();
    }

    Uni<Void> delete(DistributionRequest req) {
        Digest digest = Params.digest(req.reference());
        req.resumeBody();
        return blobs.unlink(req.registryId(), req.name(), digest).invoke(() -> OciResponses.empty(req.context(), 202));
    }
}
