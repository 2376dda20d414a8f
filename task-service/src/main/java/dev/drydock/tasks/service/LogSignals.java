package dev.drydock.tasks.service;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wakes the followers of a run's log on this replica the moment a chunk is stored or the run ends, so a followed
 * log keeps up with the run instead of trailing it by a polling interval. Followers still poll, slowly, for runs
 * that another replica executes.
 */
@ApplicationScoped
public class LogSignals {

    private final Map<Long, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();

    /** Something new happened to the run's log or state. */
    void signal(long run) {
        CompletableFuture<Void> current = waiting.remove(run);
        if (current != null) {
            current.complete(null);
        }
    }

    /** Completes at the next signal for the run, or after {@code atMost}. */
    Uni<Void> next(long run, Duration atMost) {
        CompletableFuture<Void> future = waiting.computeIfAbsent(run, id -> new CompletableFuture<>());
        // an emitter, not the future itself: a timed-out waiter must not cancel the future other followers share
        return Uni.createFrom().<Void>emitter(emitter -> future.whenComplete((done, failure) -> emitter.complete(null)))
                .ifNoItem().after(atMost).recoverWithItem((Void) null);
    }
}
