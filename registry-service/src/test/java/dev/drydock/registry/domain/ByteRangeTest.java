package dev.drydock.registry.domain;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ByteRangeTest {

    @Test
    void readsTheThreeForms() {
        assertEquals(new ByteRange(0, 3), ByteRange.parse("bytes=0-3", 13).orElseThrow());
        assertEquals(new ByteRange(5, 12), ByteRange.parse("bytes=5-", 13).orElseThrow());
        assertEquals(new ByteRange(10, 12), ByteRange.parse("bytes=-3", 13).orElseThrow());
        assertEquals(new ByteRange(5, 12), ByteRange.parse("bytes=5-100", 13).orElseThrow(), "end is clamped");
    }

    @Test
    void unsatisfiableRangesAre416() {
        RegistryException e = assertThrows(RegistryException.class, () -> ByteRange.parse("bytes=13-", 13));
        assertEquals(ErrorCode.RANGE_INVALID, e.code());
        assertEquals("bytes */13", e.headers().get("Content-Range"));
        assertThrows(RegistryException.class, () -> ByteRange.parse("bytes=500-0", 13));
        // positions beyond a long: 416, not a NumberFormatException (500)
        for (String overflow : new String[] {"bytes=3-99999999999999999999", "bytes=99999999999999999999-",
                "bytes=-99999999999999999999"}) {
            assertEquals(ErrorCode.RANGE_INVALID, assertThrows(RegistryException.class,
                    () -> ByteRange.parse(overflow, 13)).code(), overflow);
        }
    }

    @Test
    void whatIsNotASingleByteRangeServesTheWholeBlob() {
        assertTrue(ByteRange.parse(null, 13).isEmpty());
        assertTrue(ByteRange.parse("bytes=0-1,5-6", 13).isEmpty());
        assertTrue(ByteRange.parse("items=0-1", 13).isEmpty());
    }
}
