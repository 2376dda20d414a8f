package dev.drydock.registry.domain;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SiteChangeTest {

    private static final Instant T = Instant.parse("2026-12-06T12:00:00.123456Z");

    @Test
    void theLaterChangeWinsAndATieGoesToTheGreaterSite() {
        assertTrue(new SiteChange(T.plusMillis(1), "a").isNewerThan(new SiteChange(T, "z")));
        assertTrue(new SiteChange(T, "west").isNewerThan(new SiteChange(T, "east")));
        assertFalse(new SiteChange(T, "east").isNewerThan(new SiteChange(T, "west")));
        assertFalse(new SiteChange(T, "east").isNewerThan(new SiteChange(T, "east")), "a change is not newer than itself");
        assertTrue(new SiteChange(T, "").compareTo(new SiteChange(T, "any")) < 0, "no site loses a tie");
    }

    @Test
    void timesAreMicrosecondsAsTheDatabaseKeepsThem() {
        SiteChange written = new SiteChange(T.plusNanos(789), "west");
        assertEquals(new SiteChange(T, "west"), written);
        assertFalse(written.isNewerThan(new SiteChange(T, "west")));
    }
}
