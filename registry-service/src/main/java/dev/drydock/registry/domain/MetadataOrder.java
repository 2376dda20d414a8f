package dev.drydock.registry.domain;

import java.util.Locale;

/** The orderby of /acr/v1 lists: by name or digest (none), or by lastUpdateTime. */
public enum MetadataOrder {
    NONE, TIMEDESC, TIMEASC;

    /** ACR's wire values, plus the CLI's time_desc/time_asc spellings. */
    public static MetadataOrder parse(String value) {
        if (value == null || value.isBlank()) {
            return NONE;
        }
        return switch (value.toLowerCase(Locale.ROOT).replace("_", "")) {
            case "none" -> NONE;
            case "timedesc" -> TIMEDESC;
            case "timeasc" -> TIMEASC;
            default -> throw new IllegalArgumentException("orderby is timedesc, timeasc or none, not '" + value + "'");
        };
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
