package dev.drydock.instances.service;

/** The group is not in a state that allows the request (409). */
public class ConflictException extends RuntimeException {
    public ConflictException(String message) {
        super(message);
    }
}
