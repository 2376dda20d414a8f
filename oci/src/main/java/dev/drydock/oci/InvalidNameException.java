package dev.drydock.oci;

/** A repository name outside the spec's grammar: the registry answers NAME_INVALID. */
public class InvalidNameException extends IllegalArgumentException {

    public InvalidNameException(String message) {
        super(message);
    }
}
