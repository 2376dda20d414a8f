package dev.drydock.registry.domain;

import java.util.List;

/**
 * A manifest about to be deleted, with the tags that go with it.
 *
 * @param deletable whether its own locks and those of all its tags allow the deletion
 */
public record DeletionTarget(long id, String digest, String mediaType, long size, List<String> tags,
        boolean deletable) {
}
