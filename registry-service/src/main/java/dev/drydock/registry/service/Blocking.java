package dev.drydock.registry.service;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

import java.util.function.Supplier;

/** File and network work that blocks runs on a worker thread, never on an event loop. */
final class Blocking {

    private Blocking() {
    }

    static <T> Uni<T> run(Supplier<T> work) {
        return Uni.createFrom().item(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
