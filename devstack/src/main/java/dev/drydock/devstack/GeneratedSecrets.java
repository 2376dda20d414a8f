package dev.drydock.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Generated passwords a devstack server keeps beside its data (a mode-700 directory of mode-600 files): made at the
 * first start, the same ones at every later start, so a restarted stack's clients still log in.
 */
final class GeneratedSecrets {

    private final Path dir;
    private final String what;

    /** @param what whose secrets these are, for error messages (PostgreSQL, Kafka) */
    GeneratedSecrets(Path dir, String what) {
        this.dir = dir;
        this.what = what;
    }

    Path dir() {
        return dir;
    }

    /** Keeps {@code value} as the secret called {@code name} (one that must equal another site's), mode 600. */
    void put(String name, String value) {
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            Path file = dir.resolve(name);
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the " + what + " secret " + name + " in " + dir, e);
        }
    }

    /** The secret called {@code name}: 24 random bytes in hex, generated now if there is none yet. */
    String get(String name) {
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            Path file = dir.resolve(name);
            if (!Files.exists(file)) {
                byte[] random = new byte[24];
                new SecureRandom().nextBytes(random);
                // mode 600 from the first byte
                Files.createFile(file,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, HexFormat.of().formatHex(random));
            }
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the " + what + " secret " + name + " in " + dir, e);
        }
    }
}
