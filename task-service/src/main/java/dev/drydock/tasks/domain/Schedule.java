package dev.drydock.tasks.domain;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * A timer's schedule as ACR Tasks takes it: five cron fields (minute, hour, day of month, month, day of week) with
 * {@code * - , /} and names, in UTC; at most once a minute.
 */
public final class Schedule {

    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private final String text;
    private final ExecutionTime times;

    private Schedule(String text, ExecutionTime times) {
        this.text = text;
        this.times = times;
    }

    /** @throws IllegalArgumentException naming what is wrong */
    public static Schedule parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a timer needs a schedule (5 cron fields, UTC)");
        }
        String trimmed = text.strip();
        if (trimmed.split("\\s+").length != 5) {
            throw new IllegalArgumentException("schedule '" + text + "' has 5 fields: minute hour day month weekday");
        }
        try {
            return new Schedule(trimmed, ExecutionTime.forCron(PARSER.parse(trimmed)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("schedule '" + text + "': " + e.getMessage());
        }
    }

    /** The latest occurrence at or before {@code now}, if any. */
    public Optional<Instant> last(Instant now) {
        ZonedDateTime at = now.atZone(ZoneOffset.UTC);
        if (times.isMatch(at.withSecond(0).withNano(0))) {
            return Optional.of(at.withSecond(0).withNano(0).toInstant());
        }
        return times.lastExecution(at).map(ZonedDateTime::toInstant);
    }

    /** The next occurrence after {@code now}. */
    public Optional<Instant> next(Instant now) {
        return times.nextExecution(now.atZone(ZoneOffset.UTC)).map(ZonedDateTime::toInstant);
    }

    @Override
    public String toString() {
        return text;
    }
}
