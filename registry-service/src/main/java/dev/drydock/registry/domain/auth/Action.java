package dev.drydock.registry.domain.auth;

import java.util.Arrays;
import java.util.Optional;

/** What a token may do to a repository, as the token's {@code access} claim and the scope grammar spell it. */
public enum Action {
    PULL("pull", "content/read"),
    PUSH("push", "content/write"),
    DELETE("delete", "content/delete"),
    METADATA_READ("metadata_read", "metadata/read"),
    METADATA_WRITE("metadata_write", "metadata/write");

    private final String wire;
    private final String scopeMapAction;

    Action(String wire, String scopeMapAction) {
        this.wire = wire;
        this.scopeMapAction = scopeMapAction;
    }

    /** The name in scopes and tokens: pull, push, delete, metadata_read, metadata_write. */
    public String wire() {
        return wire;
    }

    /** The name in scope maps: content/read, content/write, content/delete, metadata/read, metadata/write. */
    public String scopeMapAction() {
        return scopeMapAction;
    }

    public static Optional<Action> fromWire(String value) {
        return Arrays.stream(values()).filter(a -> a.wire.equals(value)).findFirst();
    }

    public static Optional<Action> fromScopeMap(String value) {
        return Arrays.stream(values()).filter(a -> a.scopeMapAction.equals(value)).findFirst();
    }
}
