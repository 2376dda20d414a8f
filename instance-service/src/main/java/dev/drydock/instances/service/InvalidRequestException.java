package dev.drydock.instances.service;

/** The request cannot be carried out as given (400). */
public class InvalidRequestException extends RuntimeException {
    public InvalidRequestException(String message) {
        super(message);
    }
}
