package dev.drydock.tasks.domain;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SecretMaskTest {

    @Test
    void secretsNeverReachALine() {
        SecretMask mask = new SecretMask(Arrays.asList("hunter22", "hunter22-extended", null, "abc"));
        assertEquals("STEP 3: RUN echo *** and ***",
                mask.apply("STEP 3: RUN echo hunter22 and hunter22-extended"));
        assertEquals("abc stays: too short to be masked safely", mask.apply("abc stays: too short to be masked safely"));
        assertEquals("nothing secret", new SecretMask(List.of()).apply("nothing secret"));
    }
}
