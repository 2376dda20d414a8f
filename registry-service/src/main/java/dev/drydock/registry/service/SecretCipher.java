package dev.drydock.registry.service;

import dev.drydock.registry.config.RegistryConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Encrypts secrets for the database (token signing keys, credential-set passwords) with AES-256-GCM under a key that
 * lives outside it (a mode-600 file or a mounted Secret). A stored secret is the magic {@code DDK1}, a 12-byte nonce
 * and the ciphertext with its tag. What the secret belongs to (a signing key's id, {@code credential-set:...} for
 * upstream credentials) is authenticated with it as associated data, so a row's secret cannot be moved to another
 * row or decrypted as another kind of secret. Keys stored before encryption (plain PKCS#8) are recognised so they
 * can be encrypted in place.
 */
@ApplicationScoped
public class SecretCipher {

    private static final byte[] MAGIC = "DDK1".getBytes(StandardCharsets.US_ASCII);
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    @Inject
    SecretCipher(RegistryConfig config) {
        this(config.auth().signingKeyEncryptionKeyFile().toAbsolutePath());
    }

    SecretCipher(Path file) {
        String hex = SecretFile.readOrCreate(file, "the key that encrypts token signing keys and upstream credentials", () -> {
            byte[] generated = new byte[32];
            RANDOM.nextBytes(generated);
            return HexFormat.of().formatHex(generated);
        });
        byte[] bytes;
        try {
            bytes = HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(file + " does not hold a hex key", e);
        }
        if (bytes.length != 32) {
            throw new IllegalStateException(file + " holds a key of " + bytes.length + " bytes; AES-256 needs 32");
        }
        this.key = new SecretKeySpec(bytes, "AES");
    }

    /** @param owner what the secret belongs to, authenticated with it: the same owner must decrypt it */
    public byte[] encrypt(String owner, byte[] secret) {
        try {
            byte[] nonce = new byte[NONCE];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(owner.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(secret);
            byte[] out = new byte[MAGIC.length + NONCE + sealed.length];
            System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
            System.arraycopy(nonce, 0, out, MAGIC.length, NONCE);
            System.arraycopy(sealed, 0, out, MAGIC.length + NONCE, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt the secret of " + owner, e);
        }
    }

    /** Whether a stored key is encrypted (else it is a plain PKCS#8 key from before). */
    public static boolean encrypted(byte[] stored) {
        return stored.length > MAGIC.length + NONCE && Arrays.equals(stored, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /** @throws IllegalStateException when the key file is not the one the key was encrypted with */
    public byte[] decrypt(String owner, byte[] stored) {
        if (!encrypted(stored)) {
            return stored;
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, stored, MAGIC.length, NONCE));
            cipher.updateAAD(owner.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(stored, MAGIC.length + NONCE, stored.length - MAGIC.length - NONCE);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the secret of " + owner + " cannot be decrypted: the encryption key"
                    + " is not the one it was stored with, or the secret was moved from another row (restore that"
                    + " file; deleting the signing keys starts over and ends every token)", e);
        }
    }
}
