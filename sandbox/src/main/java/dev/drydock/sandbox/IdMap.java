package dev.drydock.sandbox;

/**
 * How a container's user and group ids map to the host's: ids 0 to size-1 inside are hostBase + id outside, so
 * container root is an unprivileged host id no host file belongs to. {@link #NONE} maps every id to itself (no user
 * namespace).
 */
public record IdMap(int hostBase, int size) {

    public static final IdMap NONE = new IdMap(0, 0);
    /** What an id outside the range becomes on the host: nobody, which no container can act as. */
    private static final int OVERFLOW = 65534;

    public boolean maps() {
        return size > 0;
    }

    /** The host id of container id {@code id}. */
    public int host(long id) {
        if (!maps()) {
            return (int) id;
        }
        return id >= 0 && id < size ? (int) (hostBase + id) : OVERFLOW;
    }

    /** A directory name that tells caches unpacked with different maps apart. */
    public String key() {
        return maps() ? "ids-" + hostBase + "-" + size : "ids-host";
    }
}
