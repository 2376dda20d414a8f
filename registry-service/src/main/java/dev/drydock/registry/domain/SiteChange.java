package dev.drydock.registry.domain;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * When and on which site a client made a change: the clock of geo-replication's last-writer-wins rule. Of two
 * changes the later wins; at the same instant the greater site name does, so every site picks the same one.
 *
 * @param site the site's name, "" for a change made without sites configured
 */
public record SiteChange(Instant at, String site) implements Comparable<SiteChange> {

    /** Microseconds, as PostgreSQL keeps them: a change read back from a tag must equal the one written. */
    public SiteChange {
        at = at.truncatedTo(ChronoUnit.MICROS);
    }

    @Override
    public int compareTo(SiteChange other) {
        int byTime = at.compareTo(other.at);
        return byTime != 0 ? byTime : site.compareTo(other.site);
    }

    public boolean isNewerThan(SiteChange other) {
        return compareTo(other) > 0;
    }
}
