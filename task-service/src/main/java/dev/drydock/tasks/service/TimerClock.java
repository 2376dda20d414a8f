package dev.drydock.tasks.service;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

/** Looks at the timers every few seconds; a minute-granular schedule fires within that delay of its time. */
@ApplicationScoped
public class TimerClock {

    private final Triggers triggers;

    TimerClock(Triggers triggers) {
        this.triggers = triggers;
    }

    @Scheduled(every = "${drydock.tasks.timer-check:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return triggers.fireTimers(Instant.now()).replaceWithVoid();
    }
}
