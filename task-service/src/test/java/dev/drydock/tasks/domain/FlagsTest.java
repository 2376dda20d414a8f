package dev.drydock.tasks.domain;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlagsTest {

    @Test
    void valuesFollowTheFlagOrItsEqualsSign() {
        Flags flags = new Flags(List.of("acr", "-f", "a:b", "--ago=1d", "-x=y", "ctx"), 1);
        assertEquals("-f", flags.next());
        assertEquals("a:b", flags.value());
        assertEquals("--ago", flags.next());
        assertEquals("1d", flags.value());
        assertEquals("-x=y", flags.next(), "only long flags take =value");
        assertEquals("ctx", flags.next());
        assertEquals("ctx", flags.word());
        assertFalse(flags.hasNext());
    }

    @Test
    void aMissingValueNamesTheFlag() {
        Flags flags = new Flags(List.of("--tag"), 0);
        flags.next();
        assertTrue(assertThrows(IllegalArgumentException.class, flags::value).getMessage().startsWith("--tag"));
    }
}
