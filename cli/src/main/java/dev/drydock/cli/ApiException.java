package dev.drydock.cli;

/** A service said no (or could not be reached): one line for the user, and the exit code that goes with it. */
public class ApiException extends RuntimeException {

    private final int exitCode;

    public ApiException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
