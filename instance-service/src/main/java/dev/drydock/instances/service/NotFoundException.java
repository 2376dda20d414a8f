package dev.drydock.instances.service;

/** No such group or container. */
public class NotFoundException extends RuntimeException {
    public NotFoundException(String message) {
        super(message);
    }
}
