package dev.drydock.registry.domain;

import java.util.UUID;

/** An upload in progress: the repository it belongs to and how many bytes it has acknowledged. */
public record UploadSession(UUID id, long repositoryId, long size) {
}
