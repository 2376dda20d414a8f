package dev.drydock.tasks.domain;

import java.util.Locale;
import java.util.Set;

/** A target platform as {@code az acr build --platform} takes it: os/architecture[/variant]; Linux/amd64 by default. */
public record Platform(String os, String architecture, String variant) {

    public static final Platform DEFAULT = new Platform("linux", "amd64", null);

    private static final Set<String> ARCHITECTURES = Set.of("amd64", "x86", "386", "arm", "arm64");
    private static final Set<String> VARIANTS = Set.of("v6", "v7", "v8");

    /** @throws IllegalArgumentException naming what is wrong */
    public static Platform parse(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT;
        }
        String[] parts = text.strip().toLowerCase(Locale.ROOT).split("/", -1);
        if (parts.length > 3 || !parts[0].equals("linux")) {
            throw new IllegalArgumentException("platform '" + text + "': only linux/<architecture>[/<variant>] builds here");
        }
        String architecture = parts.length > 1 ? parts[1] : "amd64";
        if (!ARCHITECTURES.contains(architecture)) {
            throw new IllegalArgumentException("platform '" + text + "': architecture is one of " + ARCHITECTURES);
        }
        String variant = parts.length > 2 ? parts[2] : null;
        if (variant != null && !VARIANTS.contains(variant)) {
            throw new IllegalArgumentException("platform '" + text + "': variant is one of " + VARIANTS);
        }
        return new Platform("linux", architecture.equals("x86") ? "386" : architecture, variant);
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant == null ? "" : "/" + variant);
    }
}
