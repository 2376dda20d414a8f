package dev.drydock.oci;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ImageReferenceTest {

    private static final String DIGEST = "sha256:" + "a".repeat(64);

    @Test
    void hostIsTheFirstComponentWithADotOrColonOrLocalhost() {
        ImageReference ref = ImageReference.parse("Contoso.Drydock.Localhost/base/node:20");
        assertEquals("contoso.drydock.localhost", ref.host());
        assertEquals("base/node", ref.repository());
        assertEquals("20", ref.tag());
        assertEquals("127.0.0.1:8080", ImageReference.parse("127.0.0.1:8080/app").host());
        assertEquals("127.0.0.1", ImageReference.parse("127.0.0.1:8080/app").hostWithoutPort());
        assertEquals("localhost", ImageReference.parse("localhost/app:1").host());
    }

    @Test
    void aNameWithoutHostIsDockerHubs() {
        ImageReference ref = ImageReference.parse("library/alpine:3.20");
        assertNull(ref.host());
        assertEquals("library/alpine", ref.repository());
        assertNull(ImageReference.parse("alpine").tag());
    }

    @Test
    void digestAndTagTogether() {
        ImageReference ref = ImageReference.parse("r.example:5000/a/b:v1@" + DIGEST);
        assertEquals("v1", ref.tag());
        assertEquals(DIGEST, ref.digest().toString());
        assertEquals("r.example:5000/a/b:v1@" + DIGEST, ref.toString());
    }

    @Test
    void badReferencesAreRefused() {
        assertThrows(InvalidReferenceException.class, () -> ImageReference.parse(""));
        assertThrows(InvalidReferenceException.class, () -> ImageReference.parse("Upper/Case:1"));
        assertThrows(InvalidReferenceException.class, () -> ImageReference.parse("a/b:bad tag"));
        assertThrows(RuntimeException.class, () -> ImageReference.parse("a@sha256:zz"));
    }
}
