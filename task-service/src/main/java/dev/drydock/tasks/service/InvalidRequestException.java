package dev.drydock.tasks.service;

/** A request the API refuses as it is (400), with what to change. */
public class InvalidRequestException extends RuntimeException {

    public InvalidRequestException(String message) {
        super(message);
    }
}
