package dev.drydock.tasks.domain;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RunIdTest {

    @Test
    void idsLookLikeAcrsAndReadBack() {
        assertEquals("ca1", RunId.of(1));
        assertEquals("ca8", RunId.of(8));
        assertEquals("caz", RunId.of(35));
        assertEquals("cb0", RunId.of(36));
        assertEquals("c100", RunId.of(936));
        for (long n : new long[] {1, 35, 36, 936, 1_000_000}) {
            assertEquals(n, RunId.sequenceOf(RunId.of(n)));
        }
        assertEquals(-1, RunId.sequenceOf("x12"));
        assertEquals(-1, RunId.sequenceOf("c9"));
        assertEquals(-1, RunId.sequenceOf("cA1"));
        assertThrows(IllegalArgumentException.class, () -> RunId.of(0));
    }
}
