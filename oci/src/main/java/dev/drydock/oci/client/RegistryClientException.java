package dev.drydock.oci.client;

import java.io.IOException;

/** A source registry refused or failed a request; {@code status} is its HTTP status (or ours for its faults). */
public class RegistryClientException extends IOException {

    private final int status;

    public RegistryClientException(String message, int status) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
