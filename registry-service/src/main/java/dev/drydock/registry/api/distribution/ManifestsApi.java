package dev.drydock.registry.api.distribution;

import dev.drydock.oci.InvalidReferenceException;
import dev.drydock.oci.Manifest;
import dev.drydock.oci.Reference;
import dev.drydock.registry.config.RegistryConfig;
import dev.drydock.registry.domain.ErrorCode;
import dev.drydock.registry.domain.RegistryException;
import dev.drydock.registry.domain.StoredManifest;
import dev.drydock.registry.service.ArtifactCache;
import dev.drydock.registry.service.ManifestService;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** end-3 (GET/HEAD), end-7 (PUT, with ?tag= of end-7b) and end-9 (DELETE) of manifests. */
@ApplicationScoped
class ManifestsApi {

    private final ManifestService manifests;
    private final ArtifactCache cache;
    private final RegistryConfig config;

    ManifestsApi(ManifestService manifests, ArtifactCache cache, RegistryConfig config) {
        this.manifests = manifests;
        this.cache = cache;
        this.config = config;
    }

    Uni<Void> get(DistributionRequest req) {
        Reference reference = readReference(req);
        return cache.manifest(req.registry(), req.name(), reference, req.cacheCaller()).invoke(served -> {
            StoredManifest stored = served.manifest();
            var response = req.response().setStatusCode(200)
                    .putHeader("Content-Type", stored.mediaType())
                    .putHeader("Docker-Content-Digest", stored.digest())
                    .putHeader("ETag", "\"" + stored.digest() + "\"");
            if (served.status() != null) {
                response.putHeader(ArtifactCache.STATUS_HEADER, served.status());
            }
            if (req.request().method() == HttpMethod.HEAD) {
                response.putHeader("Content-Length", String.valueOf(stored.content().length)).end();
            } else {
                response.end(Buffer.buffer(stored.content()));
            }
        }).replaceWithVoid();
    }

    Uni<Void> put(DistributionRequest req) {
        Reference reference;
        try {
            reference = Reference.parse(req.reference());
        } catch (InvalidReferenceException e) {
            throw new RegistryException(ErrorCode.TAG_INVALID, e.getMessage(), req.reference());
        } catch (IllegalArgumentException e) {
            throw new RegistryException(ErrorCode.DIGEST_INVALID, e.getMessage(), req.reference());
        }
        List<String> extraTags = req.request().params().getAll("tag");
        return readBody(req.request(), config.maxManifestBytes())
                .chain(body -> {
                    try {
                        return manifests.push(req.registry(), req.name(), reference,
                                req.request().getHeader("Content-Type"), body, extraTags, req.origin());
                    } catch (dev.drydock.oci.InvalidManifestException e) {
                        throw new RegistryException(ErrorCode.MANIFEST_INVALID, e.getMessage(), e.getMessage());
                    }
                })
                .invoke(pushed -> {
                    Manifest manifest = pushed.manifest();
                    var response = req.response().setStatusCode(201)
                            .putHeader("Location", req.location("/manifests/" + manifest.digest()))
                            .putHeader("Docker-Content-Digest", manifest.digest().toString())
                            .putHeader("Content-Length", "0");
                    manifest.subjectDescriptor().ifPresent(s -> response.putHeader("OCI-Subject", s.digest().toString()));
                    if (!extraTags.isEmpty()) {
                        response.putHeader("OCI-Tag", String.join(", ", extraTags));
                    }
                    response.end();
                }).replaceWithVoid();
    }

    Uni<Void> delete(DistributionRequest req) {
        req.resumeBody();
        return manifests.delete(req.registry(), req.name(), readReference(req), req.origin())
                .invoke(() -> OciResponses.empty(req.context(), 202));
    }

    /** An unreadable reference names nothing here: 404, as the conformance suite expects. */
    private static Reference readReference(DistributionRequest req) {
        req.resumeBody();
        try {
            return Reference.parse(req.reference());
        } catch (InvalidReferenceException e) {
            throw new RegistryException(ErrorCode.MANIFEST_UNKNOWN, e.getMessage(), req.reference());
        } catch (IllegalArgumentException e) {
            throw new RegistryException(ErrorCode.DIGEST_INVALID, e.getMessage(), req.reference());
        }
    }

    /** Reads the whole body, refusing (413) as soon as it exceeds the limit, before or while it arrives. */
    private static Uni<byte[]> readBody(HttpServerRequest request, int limit) {
        String declared = request.getHeader("Content-Length");
        if (declared != null && parseLong(declared) > limit) {
            throw tooLarge(limit);
        }
        Promise<byte[]> done = Promise.promise();
        Buffer body = Buffer.buffer();
        request.handler(chunk -> {
            if (body.length() + chunk.length() > limit) {
                request.pause();
                done.tryFail(tooLarge(limit));
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(done::tryFail);
        request.endHandler(v -> done.tryComplete(body.getBytes()));
        request.resume();
        return Uni.createFrom().completionStage(done.future().toCompletionStage());
    }

    private static RegistryException tooLarge(int limit) {
        return new RegistryException(ErrorCode.MANIFEST_TOO_LARGE, "manifests may not exceed " + limit + " bytes",
                limit);
    }

    private static long parseLong(String value) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
