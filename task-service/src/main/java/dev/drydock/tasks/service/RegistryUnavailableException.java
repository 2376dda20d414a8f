package dev.drydock.tasks.service;

/** The registry service could not be asked (down, unreachable): the API answers 503. */
public class RegistryUnavailableException extends RuntimeException {

    public RegistryUnavailableException(String message) {
        super(message);
    }
}
