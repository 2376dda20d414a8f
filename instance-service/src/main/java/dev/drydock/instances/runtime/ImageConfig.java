package dev.drydock.instances.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** What an OCI image config says about running it: entrypoint, cmd, environment, working directory, user. */
public record ImageConfig(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir, String user) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public ImageConfig {
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        env = List.copyOf(env);
    }

    /** Reads the {@code config} section of an image configuration blob. */
    public static ImageConfig parse(byte[] configBlob) throws IOException {
        JsonNode config = JSON.readTree(configBlob).path("config");
        return new ImageConfig(strings(config.path("Entrypoint")), strings(config.path("Cmd")),
                strings(config.path("Env")), config.path("WorkingDir").asText(""), config.path("User").asText(""));
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
