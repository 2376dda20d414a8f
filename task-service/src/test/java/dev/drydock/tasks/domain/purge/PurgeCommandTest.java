package dev.drydock.tasks.domain.purge;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** acr purge's flags, filter parsing and durations, as the reference states them. */
class PurgeCommandTest {

    private static String refused(String line) {
        return assertThrows(IllegalArgumentException.class, () -> PurgeCommand.parse(line, 4)).getMessage();
    }

    @Test
    void readsEveryFlag() {
        PurgeCommand command = PurgeCommand.parse("acr purge --registry $RegistryName --filter 'samples/a:.*'"
                + " -f samples/b:^v1 --ago 2d3h6m --keep 3 --untagged --dry-run --include-locked --concurrency 64", 4);
        assertEquals("$RegistryName", command.registry());
        assertEquals(2, command.filters().size());
        assertEquals(Duration.ofDays(2).plusHours(3).plusMinutes(6), command.ago());
        assertEquals(3, command.keep());
        assertTrue(command.untagged() && command.dryRun() && command.includeLocked());
        assertEquals(32, command.concurrency(), "clamped to 32");
        assertEquals(4, PurgeCommand.parse("acr purge --untagged-only --concurrency 0", 4).concurrency());
        assertTrue(PurgeCommand.isPurge("acr purge --untagged-only"));
        assertFalse(PurgeCommand.isPurge("registry/acr purge"));
    }

    @Test
    void enforcesTheRulesBetweenFlags() {
        assertTrue(refused("acr purge --ago 1d").contains("--filter is required"));
        assertTrue(refused("acr purge --filter a:.*").contains("--ago is required"));
        assertTrue(refused("acr purge --untagged --untagged-only").contains("together"));
        assertTrue(refused("acr purge --untagged-only --bogus").contains("--bogus"));
        PurgeCommand untaggedOnly = PurgeCommand.parse("acr purge --untagged-only", 2);
        assertTrue(untaggedOnly.filters().isEmpty());
        assertEquals(null, untaggedOnly.ago());
    }

    @Test
    void filtersAnchorTheRepositoryButNotTheTag() {
        PurgeFilter filter = PurgeFilter.parse("samples/.*:hello");
        assertTrue(filter.matchesRepository("samples/web"));
        assertFalse(filter.matchesRepository("x/samples/web"));
        assertTrue(filter.matchesTag("xhelloy"));
        PurgeFilter grouped = PurgeFilter.parse("(?:a|b):(?:v1|[:]x)");
        assertTrue(grouped.matchesRepository("b"));
        assertTrue(grouped.matchesTag(":x"));
        assertTrue(PurgeFilter.parse("app:^$").matchesTag(""));
        assertTrue(refused("acr purge --ago 1d -f :x").contains("missing repository"));
        assertTrue(refused("acr purge --ago 1d -f a:").contains("missing tag"));
        assertTrue(refused("acr purge --ago 1d -f a:b:c").contains("unable to correctly parse"));
    }

    @Test
    void agoTakesDaysAndGoDurationsUpTo150Years() {
        assertEquals(Duration.ofDays(1), Ago.parse("1d"));
        assertEquals(Duration.ZERO, Ago.parse("0d"));
        assertEquals(Duration.ofMinutes(90), Ago.parse("1.5h"));
        assertEquals(Duration.ofMinutes(75), Ago.parse("1h15m"));
        assertEquals(Duration.ofMillis(1500), Ago.parse("1s500ms"));
        assertEquals(Ago.MAX, Ago.parse("100000d"));
        assertThrows(IllegalArgumentException.class, () -> Ago.parse("1w"));
        assertThrows(IllegalArgumentException.class, () -> Ago.parse("d"));
    }
}
