package dev.drydock.registry.persistence;

import dev.drydock.registry.domain.ChangeableAttributes;
import io.vertx.mutiny.sqlclient.Row;

/** Reads and writes the four lock columns every locked table has, in one order. */
final class Attributes {

    static final String COLUMNS = "delete_enabled, write_enabled, list_enabled, read_enabled";

    private Attributes() {
    }

    /** The four columns starting at {@code first}. */
    static ChangeableAttributes read(Row row, int first) {
        return new ChangeableAttributes(row.getBoolean(first), row.getBoolean(first + 1), row.getBoolean(first + 2),
                row.getBoolean(first + 3));
    }
}
