package dev.drydock.documents;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DocumentNodeTest {

    private static final Set<String> KNOWN = Set.of("apiversion", "memoryingb", "count");

    @Test
    void keysMatchInAnyCaseAndScalarsKeepTheirText() {
        Map<String, DocumentNode> fields = DocumentNode.parse("apiVersion: 2019-12-01\nmemoryInGb: 1.5\n")
                .fields(KNOWN, Set.of());
        assertEquals("2019-12-01", fields.get("apiversion").text(), "an unquoted date is not a Date");
        assertEquals(1.5, fields.get("memoryingb").number());
        assertEquals(Map.of("count", 3), Map.of("count", DocumentNode.parse("{\"count\": 3}")
                .fields(KNOWN, Set.of()).get("count").integer(0, 10)), "JSON reads as well");
    }

    @Test
    void problemsNameTheirLineAndColumn() {
        DocumentException unknown = assertThrows(DocumentException.class, () -> DocumentNode.parse(
                "apiVersion: x\n  \nColour: red\n").fields(KNOWN, Set.of()));
        assertEquals(3, unknown.line());
        assertEquals(1, unknown.column());
        assertTrue(assertThrows(DocumentException.class, () -> DocumentNode.parse("count: 1\nCOUNT: 2\n")
                .fields(KNOWN, Set.of())).getMessage().contains("twice"));
        assertTrue(assertThrows(DocumentException.class, () -> DocumentNode.parse("zones: [1]\n")
                .fields(KNOWN, Set.of("zones"))).getMessage().contains("not supported"));
        DocumentException range = assertThrows(DocumentException.class, () -> DocumentNode.parse("count: 11\n")
                .fields(KNOWN, Set.of()).get("count").integer(0, 10));
        assertEquals(8, range.column());
        assertTrue(assertThrows(DocumentException.class, () -> DocumentNode.parse("a: [1,\n")).line() >= 1);
    }

    @Test
    void anAliasBombOrDuplicateKeysAreRefusedAsDocumentErrors() {
        StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'z'; c++) {
            String previous = String.valueOf((char) (c - 1));
            bomb.append(c).append(": &").append(c).append(" [*").append(previous).append(", *").append(previous)
                    .append(", *").append(previous).append(", *").append(previous).append("]\n");
        }
        assertThrows(DocumentException.class, () -> DocumentNode.parse(bomb.toString()));
        assertThrows(DocumentException.class, () -> DocumentNode.parse("name: a\nname: b\n")
                .fields(java.util.Set.of("name"), java.util.Set.of()));
    }
}
