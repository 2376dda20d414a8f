package dev.drydock.tasks.domain;

import java.util.EnumSet;
import java.util.Set;

/** ACR Tasks' run states: Queued, Started, Running, then one of five final states. */
public enum RunStatus {
    Queued, Started, Running, Succeeded, Failed, Canceled, Error, Timeout;

    private static final Set<RunStatus> FINAL = EnumSet.of(Succeeded, Failed, Canceled, Error, Timeout);

    public boolean isFinished() {
        return FINAL.contains(this);
    }

    /**
     * Whether a run may go from this state to {@code next}: forward only; Succeeded only from Running; a run that
     * finished never changes again.
     */
    public boolean canMoveTo(RunStatus next) {
        return switch (this) {
            case Queued -> next == Started || next == Canceled || next == Error || next == Timeout;
            case Started -> next == Running || next == Failed || next == Canceled || next == Error || next == Timeout;
            case Running -> next.isFinished();
            default -> false;
        };
    }
}
