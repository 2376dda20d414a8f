package dev.drydock.registry.api.distribution;

import dev.drydock.oci.Digest;
import dev.drydock.oci.RepositoryName;
import dev.drydock.registry.domain.ErrorCode;
import dev.drydock.registry.domain.RegistryException;

/** Reading path and query parameters into domain values, with the spec's error for each bad value. */
public final class Params {

    private Params() {
    }

    public static Digest digest(String text) {
        try {
            return Digest.parse(text);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(ErrorCode.DIGEST_INVALID, e.getMessage(), text);
        }
    }

    public static RepositoryName name(String text) {
        if (!RepositoryName.isValid(text)) {
            throw new RegistryException(ErrorCode.NAME_INVALID, "invalid repository name: " + text, text);
        }
        return RepositoryName.of(text);
    }

    /** {@code n} of a paged list: absent means the default page size; it must be a non-negative integer. */
    public static int pageSize(String n, int defaultSize) {
        if (n == null || n.isEmpty()) {
            return defaultSize;
        }
        try {
            int value = Integer.parseInt(n);
            if (value < 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new RegistryException(ErrorCode.PAGINATION_NUMBER_INVALID, "n must be a non-negative integer", n);
        }
    }
}
