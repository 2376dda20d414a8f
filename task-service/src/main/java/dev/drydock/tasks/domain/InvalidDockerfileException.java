package dev.drydock.tasks.domain;

/** A Dockerfile this build cannot use, with the line of the problem. */
public class InvalidDockerfileException extends IllegalArgumentException {

    private final int line;

    public InvalidDockerfileException(int line, String message) {
        super("Dockerfile line " + line + ": " + message);
        this.line = line;
    }

    public int line() {
        return line;
    }
}
