package dev.drydock.oci;

/** Text that is not a digest: the registry answers DIGEST_INVALID. */
public class InvalidDigestException extends IllegalArgumentException {

    public InvalidDigestException(String message) {
        super(message);
    }
}
