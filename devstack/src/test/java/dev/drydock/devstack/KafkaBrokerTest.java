package dev.drydock.devstack;

import org.junit.jupiter.api.RepeatedTest;

import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class KafkaBrokerTest {

    @RepeatedTest(200)
    void clusterIdsAreSixteenUrlSafeBytesThatNeverLookLikeAnOption() {
        String id = KafkaBroker.newClusterId();
        assertFalse(id.startsWith("-"), id);
        assertEquals(22, id.length());
        assertEquals(16, Base64.getUrlDecoder().decode(id).length);
    }
}
