package dev.drydock.oci;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RepositoryNameTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "library/ubuntu", "my-org/team_a/app.v2", "a__b", "a---b", "0/1/2/3"})
    void acceptsTheSpecGrammar(String name) {
        assertEquals(name, RepositoryName.of(name).value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "A", "Library/ubuntu", "../etc", "a/../b", "/abs", "a/", "a//b", "a..b", "a___b",
        "-a", "a-", "a.", "a b", "a/./b", "a%2fb", "a\\b"})
    void rejectsEverythingElse(String name) {
        assertThrows(InvalidNameException.class, () -> RepositoryName.of(name));
    }

    @ParameterizedTest
    @ValueSource(ints = {255, 256})
    void capsTheLength(int length) {
        String name = "a".repeat(length);
        if (length <= RepositoryName.MAX_LENGTH) {
            assertEquals(length, RepositoryName.of(name).value().length());
        } else {
            assertThrows(InvalidNameException.class, () -> RepositoryName.of(name));
        }
    }
}
