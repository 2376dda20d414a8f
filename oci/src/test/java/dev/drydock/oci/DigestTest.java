package dev.drydock.oci;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DigestTest {

    private static final String EMPTY_SHA256 = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @Test
    void computesTheWellKnownDigestOfNothing() {
        assertEquals(EMPTY_SHA256, Digest.sha256(new byte[0]).toString());
    }

    @Test
    void sha512OfAbcMatchesFips180Vector() {
        Digest d = Digest.of(DigestAlgorithm.SHA512, "abc".getBytes(StandardCharsets.US_ASCII));
        assertEquals("sha512:ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f", d.toString());
    }

    @Test
    void streamingHashEqualsOneShotHash() {
        byte[] content = "hello, registry".getBytes(StandardCharsets.UTF_8);
        MessageDigest md = DigestAlgorithm.SHA256.newMessageDigest();
        md.update(content, 0, 5);
        md.update(content, 5, content.length - 5);
        assertEquals(Digest.sha256(content), Digest.of(DigestAlgorithm.SHA256, md));
    }

    @Test
    void parsesAndPrintsTheSameText() {
        Digest d = Digest.parse(EMPTY_SHA256);
        assertEquals(DigestAlgorithm.SHA256, d.algorithm());
        assertEquals(EMPTY_SHA256, d.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "sha256",
        "sha256:",
        ":e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "SHA256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85",
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8555",
        "sha256:../../../../etc/passwd",
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855/x"
    })
    void rejectsMalformedDigests(String text) {
        assertThrows(InvalidDigestException.class, () -> Digest.parse(text));
    }

    @Test
    void wellFormedDigestOfAnotherAlgorithmIsUnsupportedNotInvalid() {
        assertThrows(UnsupportedDigestException.class, () -> Digest.parse("md5:d41d8cd98f00b204e9800998ecf8427e"));
        assertThrows(UnsupportedDigestException.class, () -> Digest.parse("multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8"));
    }

    @Test
    void recordConstructorGuardsTheInvariantToo() {
        assertThrows(InvalidDigestException.class, () -> new Digest(DigestAlgorithm.SHA512, "abcd"));
        assertThrows(InvalidDigestException.class, () -> new Digest(null, "abcd"));
    }
}
