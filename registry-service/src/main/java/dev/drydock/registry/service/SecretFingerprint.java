package dev.drydock.registry.service;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * The generation of a configured secret (the administrator's password, a service's secret) as tokens carry it: an
 * HMAC keyed with the secret, so a token reveals nothing about it, and a changed secret ends the tokens derived
 * from the old one.
 */
final class SecretFingerprint {

    private SecretFingerprint() {
    }

    static String of(String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal("drydock token generation".getBytes(StandardCharsets.UTF_8)),
                    0, 12);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
