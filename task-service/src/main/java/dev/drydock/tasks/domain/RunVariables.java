package dev.drydock.tasks.domain;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code {{.Run.X}}} and the v1.1.0 aliases ({@code $ID}, {@code $Registry} ...) stand for in one run.
 *
 * @param registry     the login server images are pushed to ({@code .Run.Registry}, a host[:port])
 * @param registryName the registry's name ({@code .Run.RegistryName})
 */
public record RunVariables(String id, String registry, String registryName, Instant created, Platform platform,
        String commit, String branch, String taskName, String triggeredBy) {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss'z'")
            .withZone(ZoneOffset.UTC);

    /** The values by their {@code .Run} field name; the v1.1.0 aliases are the same names with a $. */
    public Map<String, String> fields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("ID", id);
        fields.put("SharedVolume", "/workspace");
        fields.put("Registry", registry);
        fields.put("RegistryName", registryName);
        fields.put("Date", DATE.format(created));
        fields.put("OS", platform.os());
        fields.put("OSVersion", "");
        fields.put("Architecture", platform.architecture());
        fields.put("Commit", commit == null ? "" : commit);
        fields.put("Branch", branch == null ? "" : branch);
        fields.put("GitTag", "");
        fields.put("TaskName", taskName == null ? "" : taskName);
        fields.put("TriggeredBy", triggeredBy == null ? "" : triggeredBy);
        fields.put("Repository", "");
        return fields;
    }
}
