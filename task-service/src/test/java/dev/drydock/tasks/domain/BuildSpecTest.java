package dev.drydock.tasks.domain;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BuildSpecTest {

    @Test
    void readsDockerBuildFlagsInBothSpellings() {
        BuildSpec spec = BuildSpec.parse("-t a:1 --tag=b:2 -f sub/Dockerfile --build-arg 'MSG=hello world'"
                + " --target=final --platform linux/arm64 --pull sub");
        assertEquals(List.of("a:1", "b:2"), spec.tags());
        assertEquals("sub/Dockerfile", spec.dockerfile());
        assertEquals("sub", spec.context());
        assertEquals(List.of(new BuildArgument("MSG", "hello world", false)), spec.arguments());
        assertEquals("final", spec.target());
        assertEquals("linux/arm64", spec.platform().toString());
        assertTrue(spec.pull());
        assertFalse(spec.noCache());
    }

    @Test
    void refusesWhatItCannotCarryOut() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BuildSpec.parse("-t a:1"))
                .getMessage().contains("context"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BuildSpec.parse("--squash ."))
                .getMessage().contains("--squash"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BuildSpec.parse(". -t"))
                .getMessage().contains("-t needs a value"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BuildSpec.parse("a b"))
                .getMessage().contains("one context"));
        assertThrows(IllegalArgumentException.class, () -> BuildSpec.parse("--build-arg 1X=2 ."));
    }

    @Test
    void wordsFollowShellQuoting() {
        assertEquals(List.of("a b", "c\"d", "e f", "g"), Words.split("'a b' \"c\\\"d\" e\\ f  g"));
        assertThrows(IllegalArgumentException.class, () -> Words.split("'open"));
    }
}
