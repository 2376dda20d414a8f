package dev.drydock.registry.service;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretCipherTest {

    @TempDir
    Path dir;

    @Test
    void aKeyRoundTripsAndItsFileIsTheServicesAlone() throws Exception {
        Path file = dir.resolve("kek");
        SecretCipher cipher = cipher(file);
        byte[] key = "pkcs8-bytes".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = cipher.encrypt("kid1", key);
        assertTrue(SecretCipher.encrypted(sealed));
        assertArrayEquals(key, cipher.decrypt("kid1", sealed));
        assertArrayEquals(key, cipher(file).decrypt("kid1", sealed), "the same file at the next start");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void anotherKeyFileOrAnotherKeyIdCannotDecrypt() {
        SecretCipher cipher = cipher(dir.resolve("a"));
        byte[] sealed = cipher.encrypt("kid1", new byte[] {1, 2, 3});
        assertThrows(IllegalStateException.class, () -> cipher(dir.resolve("b")).decrypt("kid1", sealed));
        assertThrows(IllegalStateException.class, () -> cipher.decrypt("kid2", sealed), "moved to another row");
        sealed[sealed.length - 1] ^= 1;
        assertThrows(IllegalStateException.class, () -> cipher.decrypt("kid1", sealed), "tampered with");
    }

    @Test
    void aKeyStoredInTheClearByAnEarlierVersionIsRecognised() {
        byte[] plain = {0x30, (byte) 0x82, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
        assertFalse(SecretCipher.encrypted(plain));
        assertArrayEquals(plain, cipher(dir.resolve("c")).decrypt("old", plain));
    }

    private static SecretCipher cipher(Path file) {
        return new SecretCipher(file);
    }
}
