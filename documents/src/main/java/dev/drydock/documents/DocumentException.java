package dev.drydock.documents;

/** A user-written document (a task file, a container group) that cannot be used, with the line and column (1-based) of the problem. */
public class DocumentException extends RuntimeException {

    private final int line;
    private final int column;

    public DocumentException(int line, int column, String message) {
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
