package dev.drydock.oci;

/** A tag outside the spec's grammar. */
public class InvalidReferenceException extends IllegalArgumentException {

    public InvalidReferenceException(String message) {
        super(message);
    }
}
