package dev.drydock.oci;

/** A well-formed digest of an algorithm Drydock does not verify: the registry answers UNSUPPORTED. */
public class UnsupportedDigestException extends IllegalArgumentException {

    public UnsupportedDigestException(String message) {
        super(message);
    }
}
