package dev.drydock.tasks.domain;

import dev.drydock.documents.DocumentException;

/** A task file (YAML) or template that cannot run, with the line and column (1-based) of the problem. */
public class TaskFileException extends DocumentException {

    public TaskFileException(int line, int column, String message) {
        super(line, column, message);
    }
}
