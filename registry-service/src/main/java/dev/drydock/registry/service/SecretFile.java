package dev.drydock.registry.service;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Supplier;

/** A secret kept in a file only the service's user can read: generated at the first start, the same one after. */
final class SecretFile {

    private SecretFile() {
    }

    private static final Logger LOG = Logger.getLogger(SecretFile.class);

    /**
     * @param what what the secret is, for the one log line that says where a generated one went (never the secret)
     * @return the file's secret, or {@code generate}'s, written with mode 600 from the first byte
     */
    static String readOrCreate(Path file, String what, Supplier<String> generate) {
        try {
            if (Files.isRegularFile(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            }
            Files.createDirectories(file.getParent());
            String generated = generate.get();
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, generated + "\n", StandardCharsets.UTF_8);
            LOG.infof("generated %s into %s", what, file);
            return generated;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the secret file " + file, e);
        }
    }
}
