package dev.drydock.tasks.driver;

/** A step that cannot run at all here; the run fails with this message in its log and its error. */
public class StepRefusedException extends RuntimeException {

    public StepRefusedException(String message) {
        super(message);
    }
}
