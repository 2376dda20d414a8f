package dev.drydock.tasks.domain;

/** A task file (YAML) or template that cannot run, with the line and column (1-based) of the problem. */
public class TaskFileException extends RuntimeException {

    private final int line;
    private final int column;

    public TaskFileException(int line, int column, String message) {
        super("line " + line + ", column " + column + ": " + message);
        this.line = line;
        this.column = column;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }
}
