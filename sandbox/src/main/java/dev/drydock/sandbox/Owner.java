package dev.drydock.sandbox;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Which service instance owns host-wide things (firewall tables, namespaces, cgroups): named after its data
 * directory, so two instances on one host (a stack and a test suite) never take or remove each other's.
 */
public final class Owner {

    private Owner() {
    }

    /** Eight hex digits, stable for a data directory. */
    public static String of(Path dataDir) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(dataDir.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
