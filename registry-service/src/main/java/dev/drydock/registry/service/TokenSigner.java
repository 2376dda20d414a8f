package dev.drydock.registry.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drydock.registry.persistence.SigningKeys;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signs and verifies JWTs (RS256). The first start generates a key and stores it; a rotation adds a new signing key
 * and keeps the old ones for verification, so live tokens stay valid. Keys are read again when a token names one
 * this replica does not know (another replica rotated).
 */
@ApplicationScoped
public class TokenSigner {

    private static final Logger LOG = Logger.getLogger(TokenSigner.class);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private record Key(String kid, PrivateKey privateKey, PublicKey publicKey) {
    }

    private final SigningKeys store;
    private final SecretCipher cipher;
    private final ObjectMapper json;
    private final Map<String, Key> keys = new ConcurrentHashMap<>();
    private volatile Key signing;

    TokenSigner(SigningKeys store, SecretCipher cipher, ObjectMapper json) {
        this.store = store;
        this.cipher = cipher;
        this.json = json;
    }

    void start(@Observes StartupEvent event) {
        load().chain(loaded -> signing != null ? Uni.createFrom().voidItem() : rotate().replaceWithVoid())
                .await().atMost(Duration.ofSeconds(30));
    }

    /** Generates a new signing key; older keys keep verifying. @return its key id */
    public Uni<String> rotate() {
        KeyPair pair;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            pair = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        String kid = kid(pair.getPublic().getEncoded());
        return store.add(kid, cipher.encrypt(kid, pair.getPrivate().getEncoded()), pair.getPublic().getEncoded())
                .chain(this::load)
                .invoke(() -> LOG.infof("token signing key %s generated", kid)).replaceWith(kid);
    }

    private Uni<Void> load() {
        return store.all().call(stored -> {
            Key newest = null;
            List<Uni<Void>> sealing = new ArrayList<>();
            for (SigningKeys.Stored s : stored) {
                Key key = decode(s, cipher.decrypt(s.kid(), s.privateKey()));
                if (!SecretCipher.encrypted(s.privateKey())) {
                    // stored by an earlier Drydock in the clear: encrypted in place
                    sealing.add(store.replacePrivateKey(s.kid(), cipher.encrypt(s.kid(), s.privateKey()))
                            .invoke(() -> LOG.infof("token signing key %s is now encrypted at rest", s.kid())));
                }
                keys.put(key.kid(), key);
                if (newest == null && s.retiredAt() == null) {
                    newest = key;
                }
            }
            if (newest != null) {
                signing = newest;
            }
            return sealing.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(sealing).andFailFast()
                    .replaceWithVoid();
        }).replaceWithVoid();
    }

    public String sign(Map<String, Object> claims) {
        Key key = signing;
        try {
            String header = B64.encodeToString(json.writeValueAsBytes(Map.of("typ", "JWT", "alg", "RS256",
                    "kid", key.kid())));
            String payload = B64.encodeToString(json.writeValueAsBytes(claims));
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key.privateKey());
            signature.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
            return header + "." + payload + "." + B64.encodeToString(signature.sign());
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
    }

    /** The verified claims, or empty when the token is malformed, signed by no known key or tampered with. */
    public Uni<Optional<JsonNode>> verify(String token) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return Uni.createFrom().item(Optional.empty());
        }
        String kid;
        try {
            JsonNode header = json.readTree(B64D.decode(parts[0]));
            if (!"RS256".equals(header.path("alg").asText())) {
                return Uni.createFrom().item(Optional.empty());
            }
            kid = header.path("kid").asText();
        } catch (Exception e) {
            return Uni.createFrom().item(Optional.empty());
        }
        Uni<Void> known = keys.containsKey(kid) ? Uni.createFrom().voidItem() : load();
        return known.map(v -> {
            Key key = keys.get(kid);
            if (key == null) {
                return Optional.empty();
            }
            try {
                if (!signatureValid(key, parts)) {
                    return Optional.empty();
                }
                return Optional.of(json.readTree(B64D.decode(parts[1])));
            } catch (Exception e) {
                return Optional.empty();
            }
        });
    }

    private static boolean signatureValid(Key key, String[] parts) throws GeneralSecurityException {
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initVerify(key.publicKey());
        signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        return signature.verify(B64D.decode(parts[2]));
    }

    public List<String> keyIds() {
        return keys.keySet().stream().sorted().toList();
    }

    /** Whether the signing key signs a token that a known key verifies (synchronously: keys are in memory). */
    public boolean selfTest() {
        try {
            String[] parts = sign(Map.of("iss", "self-test")).split("\\.");
            return signatureValid(keys.get(signing.kid()), parts);
        } catch (Exception e) {
            return false;
        }
    }

    public String signingKeyId() {
        return signing.kid();
    }

    private static Key decode(SigningKeys.Stored s, byte[] privateKey) {
        try {
            KeyFactory factory = KeyFactory.getInstance("RSA");
            return new Key(s.kid(), factory.generatePrivate(new PKCS8EncodedKeySpec(privateKey)),
                    factory.generatePublic(new X509EncodedKeySpec(s.publicKey())));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing key " + s.kid() + " is unreadable", e);
        }
    }

    private static String kid(byte[] publicKey) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(publicKey), 0, 12);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
