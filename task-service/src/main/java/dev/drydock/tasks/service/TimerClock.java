package dev.drydock.tasks.service;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;

/** Looks at the timers every few seconds; a minute-granular schedule fires within that delay of its time. */
@ApplicationScoped
public class TimerClock {

    private static final Logger LOG = Logger.getLogger(TimerClock.class);

    private final Triggers triggers;

    TimerClock(Triggers triggers) {
        this.triggers = triggers;
    }

    @Scheduled(every = "${drydock.tasks.timer-check:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        // an outage is reported in one line per look, without a stack trace; the next look tries again
        return triggers.fireTimers(Instant.now()).replaceWithVoid()
                .onFailure().invoke(e -> LOG.warnf("timers not checked: %s", e.getMessage()))
                .onFailure().recoverWithNull();
    }
}
