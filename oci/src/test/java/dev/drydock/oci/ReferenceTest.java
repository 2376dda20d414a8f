package dev.drydock.oci;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReferenceTest {

    @Test
    void textWithAColonIsADigest() {
        Reference r = Reference.parse("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertTrue(r.isDigest());
        assertEquals(DigestAlgorithm.SHA256, r.digest().algorithm());
    }

    @ParameterizedTest
    @ValueSource(strings = {"latest", "v1.2.3", "_x", "A-b_c.d", "sha256-abcdef"})
    void validTags(String tag) {
        Reference r = Reference.parse(tag);
        assertFalse(r.isDigest());
        assertEquals(tag, r.tagName().orElseThrow());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".INVALID_MANIFEST_NAME", "-x", "a/b", "a b"})
    void invalidTags(String tag) {
        assertThrows(InvalidReferenceException.class, () -> Reference.parse(tag));
    }

    @Test
    void tagsAreAtMost128Characters() {
        assertEquals(128, Reference.parse("a".repeat(128)).tag().length());
        assertThrows(InvalidReferenceException.class, () -> Reference.parse("a".repeat(129)));
    }
}
