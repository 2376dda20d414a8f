package dev.drydock.tasks.service;

/** The caller may use the API but not for this (403). */
public class ForbiddenException extends RuntimeException {
    public ForbiddenException(String message) {
        super(message);
    }
}
