package dev.drydock.registry.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;

@ConfigMapping(prefix = "drydock.registry")
public interface RegistryConfig {

    /** Where blob bytes and uploads in progress live. */
    Path storageRoot();

    /** The largest manifest accepted (the spec asks for at least 4 MB). */
    @WithDefault("4194304")
    int maxManifestBytes();

    /** Uploads untouched for this long are abandoned: their session and bytes are removed (Distribution: 168h). */
    @WithDefault("7d")
    java.time.Duration uploadExpiry();

    /** The most entries one tag list, catalog or referrers page holds when the client names no n. */
    @WithDefault("1000")
    int defaultPageSize();
}
