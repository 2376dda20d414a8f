package dev.drydock.registry.api.distribution;

import dev.drydock.oci.Digest;
import dev.drydock.registry.domain.ByteRange;
import dev.drydock.registry.domain.ErrorCode;
import dev.drydock.registry.domain.RegistryException;
import dev.drydock.registry.service.ArtifactCache;
import dev.drydock.registry.service.BlobFill;
import dev.drydock.registry.service.BlobService;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.Optional;

/** end-2 (GET/HEAD a blob, with Range) and end-10 (DELETE a blob from a repository). */
@ApplicationScoped
class BlobsApi {

    private static final Logger LOG = Logger.getLogger(BlobsApi.class);

    private final BlobService blobs;
    private final ArtifactCache cache;

    BlobsApi(BlobService blobs, ArtifactCache cache) {
        this.blobs = blobs;
        this.cache = cache;
    }

    Uni<Void> get(DistributionRequest req) {
        req.resumeBody();
        Digest digest = Params.digest(req.reference());
        return blobs.size(req.registryId(), req.name(), digest)
                .onFailure(e -> e instanceof RegistryException r && r.code() == ErrorCode.BLOB_UNKNOWN)
                .recoverWithUni(unknown -> cache.blob(req.registry(), req.name(), digest, req.cacheCaller())
                        .chain(fill -> {
                            if (fill == null) {
                                return Uni.createFrom().failure(unknown);
                            }
                            return fromUpstream(req, fill).replaceWith(-1L);
                        }))
                .invoke(size -> {
                    if (size >= 0) {
                        send(req, digest, size);
                    }
                }).replaceWithVoid();
    }

    /**
     * A blob being filled from upstream, sent as it arrives (whole, without Range); a fill that fails after the
     * headers went out resets the connection, so the client sees a cut rather than a short blob.
     */
    private static Uni<Void> fromUpstream(DistributionRequest req, BlobFill fill) {
        HttpServerResponse response = req.response();
        Context context = req.eventLoop();
        return fill.announced().emitOn(task -> context.runOnContext(v -> task.run()))
                .onFailure().invoke(e -> fill.release()).chain(length -> {
            response.putHeader("Docker-Content-Digest", fill.digest().toString())
                    .putHeader("ETag", "\"" + fill.digest() + "\"")
                    .putHeader("Content-Type", "application/octet-stream")
                    .putHeader(ArtifactCache.STATUS_HEADER, ArtifactCache.MISS);
            if (length >= 0) {
                response.putHeader("Content-Length", String.valueOf(length));
            } else {
                response.setChunked(true);
            }
            if (req.request().method() == HttpMethod.HEAD) {
                // the fill goes on: a HEAD before a GET is how clients start a pull
                fill.release();
                response.end();
                return Uni.createFrom().voidItem();
            }
            // a failed fill was logged where it failed; a client that went away is no event
            return fill.sendTo(response, context).onFailure().recoverWithItem(e -> {
                LOG.debugf("%s %s ended early: %s", req.request().method(), req.request().path(), e.getMessage());
                context.runOnContext(v -> response.reset());
                return null;
            });
        });
    }

    private void send(DistributionRequest req, Digest digest, long size) {
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
    }

    Uni<Void> delete(DistributionRequest req) {
        Digest digest = Params.digest(req.reference());
        req.resumeBody();
        return blobs.unlink(req.registryId(), req.name(), digest).invoke(() -> OciResponses.empty(req.context(), 202));
    }
}
