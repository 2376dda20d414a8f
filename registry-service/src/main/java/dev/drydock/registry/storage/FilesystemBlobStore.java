package dev.drydock.registry.storage;

import dev.drydock.oci.Digest;
import dev.drydock.registry.config.RegistryConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/** Blobs as files: {@code blobs/<algorithm>/<2 hex>/<hex>}, uploads as {@code uploads/<uuid>}. */
@ApplicationScoped
@Startup
public class FilesystemBlobStore implements BlobStore {

    private final Path blobs;
    private final Path uploads;

    FilesystemBlobStore(RegistryConfig config) {
        Path root = config.storageRoot().toAbsolutePath().normalize();
        this.blobs = root.resolve("blobs");
        this.uploads = root.resolve("uploads");
        try {
            Files.createDirectories(blobs);
            Files.createDirectories(uploads);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the blob store under " + root, e);
        }
    }

    @Override
    public Path uploadFile(UUID upload) {
        return uploads.resolve(upload.toString());
    }

    @Override
    public Path blobFile(Digest digest) {
        // a Digest's hex part is validated lower-case hex, so it cannot leave this directory
        return blobs.resolve(digest.algorithm().id()).resolve(digest.hex().substring(0, 2)).resolve(digest.hex());
    }

    @Override
    public void commit(UUID upload, Digest digest) {
        Path source = uploadFile(upload);
        Path target = blobFile(digest);
        try {
            if (Files.exists(target)) {
                Files.deleteIfExists(source);
                return;
            }
            try (FileChannel channel = FileChannel.open(source, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.createDirectories(target.getParent());
            try {
                Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                // a concurrent upload of the same content won the race; its bytes are ours
                Files.deleteIfExists(source);
                return;
            }
            try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot commit blob " + digest, e);
        }
    }

    @Override
    public void discard(UUID upload) {
        try {
            Files.deleteIfExists(uploadFile(upload));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove upload " + upload, e);
        }
    }
}
