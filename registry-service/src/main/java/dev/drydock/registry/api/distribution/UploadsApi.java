package dev.drydock.registry.api.distribution;

import dev.drydock.oci.Digest;
import dev.drydock.oci.RepositoryName;
import dev.drydock.registry.domain.ContentRange;
import dev.drydock.registry.domain.ErrorCode;
import dev.drydock.registry.domain.RegistryException;
import dev.drydock.registry.domain.UploadSession;
import dev.drydock.registry.service.BlobUploads;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/** end-4a/4b (POST), end-11 (mount), end-5 (PATCH), end-6 (PUT), end-13 (GET status) and upload cancel (DELETE). */
@ApplicationScoped
class UploadsApi {

    private final BlobUploads uploads;

    UploadsApi(BlobUploads uploads) {
        this.uploads = uploads;
    }

    Uni<Void> post(DistributionRequest req) {
        String mount = req.query("mount");
        String from = req.query("from");
        if (mount != null && from != null && RepositoryName.isValid(from)) {
            Digest digest = Params.digest(mount);
            return uploads.mount(req.registryId(), req.name(), RepositoryName.of(from), digest)
                    .chain(mounted -> mounted ? Uni.createFrom().item(created(req, digest)) : startSession(req));
        }
        String digest = req.query("digest");
        if (digest != null) {
            Digest expected = Params.digest(digest);
            return uploads.upload(req.registry(), req.name(), req.request(), expected)
                    .invoke(d -> created(req, d)).replaceWithVoid();
        }
        return startSession(req);
    }

    private Uni<Void> startSession(DistributionRequest req) {
        req.resumeBody();
        return uploads.start(req.registryId(), req.name()).invoke(id -> progress(req, 202, id, 0)).replaceWithVoid();
    }

    /** Where an upload stands: its URL and the bytes it holds. */
    private static void progress(DistributionRequest req, int status, UUID id, long size) {
        req.response().setStatusCode(status)
                .putHeader("Location", location(req, id))
                .putHeader("Range", BlobUploads.range(size))
                .putHeader("Docker-Upload-UUID", id.toString())
                .putHeader("Content-Length", "0")
                .end();
    }

    private static Void created(DistributionRequest req, Digest digest) {
        req.resumeBody();
        req.response().setStatusCode(201)
                .putHeader("Location", req.location("/blobs/" + digest))
                .putHeader("Docker-Content-Digest", digest.toString())
                .putHeader("Content-Length", "0")
                .end();
        return null;
    }

    Uni<Void> status(DistributionRequest req) {
        return session(req).invoke(session -> progress(req, 204, session.id(), session.size())).replaceWithVoid();
    }

    Uni<Void> patch(DistributionRequest req) {
        return session(req).chain(session -> append(req, session, false)
                .invoke(size -> progress(req, 202, session.id(), size)))
                .replaceWithVoid();
    }

    Uni<Void> put(DistributionRequest req) {
        String digestParam = req.query("digest");
        if (digestParam == null) {
            throw new RegistryException(ErrorCode.DIGEST_INVALID, "the closing PUT must name the blob's digest", null);
        }
        Digest expected = Params.digest(digestParam);
        return session(req)
                .chain(session -> append(req, session, true).chain(size -> uploads.finish(req.registry(), session, size, expected)))
                .invoke(digest -> created(req, digest))
                .replaceWithVoid();
    }

    Uni<Void> cancel(DistributionRequest req) {
        req.resumeBody();
        return session(req).chain(uploads::cancel).invoke(() -> OciResponses.empty(req.context(), 204));
    }

    private Uni<Long> append(DistributionRequest req, UploadSession session, boolean closing) {
        String header = req.request().getHeader("Content-Range");
        ContentRange range = header == null ? null : ContentRange.parse(header);
        String location = location(req, session.id());
        return closing ? uploads.appendFinal(session, req.request(), range, location)
                : uploads.append(session, req.request(), range, location);
    }

    private Uni<UploadSession> session(DistributionRequest req) {
        UUID id;
        try {
            id = UUID.fromString(req.reference());
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().failure(new RegistryException(ErrorCode.BLOB_UPLOAD_UNKNOWN,
                    "upload " + req.reference() + " is not in progress"));
        }
        return uploads.session(req.registryId(), req.name(), id);
    }

    private static String location(DistributionRequest req, UUID id) {
        return req.location("/blobs/uploads/" + id);
    }
}
