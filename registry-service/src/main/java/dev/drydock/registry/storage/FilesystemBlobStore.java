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
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

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
            // tenants' layers and uploads are no other local user's business (the service creates with its umask)
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
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
            Path prefix = target.getParent();
            if (!Files.isDirectory(prefix)) {
                // a new directory's own entry must be durable too, or a crash could lose the whole prefix
                Path algorithm = prefix.getParent();
                if (!Files.isDirectory(algorithm)) {
                    Files.createDirectories(algorithm);
                    force(blobs);
                }
                Files.createDirectories(prefix);
                force(algorithm);
            }
            try {
                Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                // a concurrent upload of the same content won the race; its bytes are ours
                Files.deleteIfExists(source);
                return;
            }
            force(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot commit blob " + digest, e);
        }
    }

    private static void force(Path directory) throws IOException {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
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

    @Override
    public void delete(Digest digest) {
        try {
            Files.deleteIfExists(blobFile(digest));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete blob " + digest, e);
        }
    }

    @Override
    public List<Digest> blobsOlderThan(Instant cutoff) {
        List<Digest> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(blobs)) {
            files.filter(f -> f.getNameCount() - blobs.getNameCount() == 3 && olderThan(f, cutoff)).forEach(f -> {
                String algorithm = f.getParent().getParent().getFileName().toString();
                try {
                    found.add(Digest.parse(algorithm + ":" + f.getFileName()));
                } catch (IllegalArgumentException e) {
                    // not a blob this store wrote; leave it alone
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list blobs", e);
        }
        return found;
    }

    @Override
    public List<UUID> uploadsOlderThan(Instant cutoff) {
        List<UUID> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(uploads)) {
            files.filter(f -> olderThan(f, cutoff)).forEach(f -> {
                try {
                    found.add(UUID.fromString(f.getFileName().toString()));
                } catch (IllegalArgumentException e) {
                    // running hashes and strangers are not upload files
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list uploads", e);
        }
        return found;
    }

    private static boolean olderThan(Path file, Instant cutoff) {
        try {
            return Files.isRegularFile(file) && Files.getLastModifiedTime(file).toInstant().isBefore(cutoff);
        } catch (IOException e) {
            // removed while we looked
            return false;
        }
    }
}
