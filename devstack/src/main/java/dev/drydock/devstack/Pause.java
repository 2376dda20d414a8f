package dev.drydock.devstack;

/** The poll interval of readiness loops: a process we wait for offers no event to block on. */
final class Pause {

    private Pause() {
    }

    static void briefly() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }
}
