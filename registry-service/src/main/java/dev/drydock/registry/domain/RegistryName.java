package dev.drydock.registry.domain;

import java.util.Locale;
import java.util.regex.Pattern;

/** A registry's name: 5 to 50 letters and digits, as ACR allows; unique regardless of case. */
public record RegistryName(String value) {

    private static final Pattern VALID = Pattern.compile("[a-zA-Z0-9]{5,50}");

    public RegistryName {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new IllegalArgumentException("registry names are 5 to 50 letters and digits, got '" + value + "'");
        }
    }

    public static boolean isValid(String value) {
        return value != null && VALID.matcher(value).matches();
    }

    /** The login server: the lowercased name under the configured domain. */
    public String loginServer(String domain) {
        return value.toLowerCase(Locale.ROOT) + "." + domain;
    }

    @Override
    public String toString() {
        return value;
    }
}
