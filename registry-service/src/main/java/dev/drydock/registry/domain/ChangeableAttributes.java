package dev.drydock.registry.domain;

/**
 * The locks of a repository, tag or manifest. Each level is independent: an operation is allowed only if every
 * level it touches allows it.
 */
public record ChangeableAttributes(boolean deleteEnabled, boolean writeEnabled, boolean listEnabled,
        boolean readEnabled) {

    public static final ChangeableAttributes UNLOCKED = new ChangeableAttributes(true, true, true, true);

    /** writeEnabled=false blocks deletion as well as overwrite. */
    public boolean allowsDelete() {
        return deleteEnabled && writeEnabled;
    }

    /** A PATCH: the fields it names replace ours, the others stay. */
    public ChangeableAttributes with(Boolean delete, Boolean write, Boolean list, Boolean read) {
        return new ChangeableAttributes(delete == null ? deleteEnabled : delete, write == null ? writeEnabled : write,
                list == null ? listEnabled : list, read == null ? readEnabled : read);
    }
}
