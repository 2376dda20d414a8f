package dev.drydock.tasks.service;

/** The request collides with what exists (409). */
public class ConflictException extends RuntimeException {

    public ConflictException(String message) {
        super(message);
    }
}
