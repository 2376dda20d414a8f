package dev.drydock.tasks.service;

import dev.drydock.oci.ImageReference;
import dev.drydock.tasks.domain.BuildArgument;
import dev.drydock.tasks.domain.Platform;
import dev.drydock.tasks.domain.RunVariables;
import dev.drydock.tasks.domain.SourceLocation;
import dev.drydock.tasks.domain.TaskFile;
import dev.drydock.tasks.domain.Template;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns what a caller asked for (a quick build, a quick run, a saved task's step) into the request a run stores,
 * checked as far as it can be before the run exists: image names, paths, arguments, the task file with line and
 * column. Secret values go to a separate map (stored apart from the request) under {@code arg:NAME} and
 * {@code value:NAME}.
 */
final class RunRequests {

    static final int MIN_TIMEOUT = 300;
    static final int MAX_TIMEOUT = 28800;
    static final int DEFAULT_TIMEOUT = 3600;
    /** Shorter secrets would mask ordinary words in every log line. */
    private static final int MIN_SECRET = 4;

    private RunRequests() {
    }

    static int timeout(Integer given) {
        int timeout = given == null ? DEFAULT_TIMEOUT : given;
        if (timeout < MIN_TIMEOUT || timeout > MAX_TIMEOUT) {
            throw new InvalidRequestException("timeout is between " + MIN_TIMEOUT + " and " + MAX_TIMEOUT
                    + " seconds, got " + timeout);
        }
        return timeout;
    }

    static String agentPool(String given) {
        if (given == null || given.isBlank()) {
            return "default";
        }
        if (!given.matches("[a-z0-9][a-z0-9-]{0,19}")) {
            throw new InvalidRequestException("agentPoolName is up to 20 lowercase letters, digits and -, got " + given);
        }
        return given;
    }

    static String platform(String given) {
        try {
            return Platform.parse(given).toString();
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage());
        }
    }

    static String source(String given) {
        try {
            return SourceLocation.parse(given).toString();
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage());
        }
    }

    /** A Docker build and push; secret argument values go to {@code secrets}. */
    static JsonObject build(List<String> imageNames, String dockerFilePath, List<Requests.Argument> arguments,
            String target, Boolean push, Boolean noCache, String sourceLocation, Map<String, String> secrets) {
        List<String> names = imageNames == null ? List.of() : imageNames;
        for (String name : names) {
            String probe = Template.render(name, probeVariables(), Map.of(), false);
            try {
                ImageReference.parse(probe);
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("image name '" + name + "': " + e.getMessage());
            }
        }
        if (Boolean.TRUE.equals(push) || push == null) {
            if (names.isEmpty()) {
                throw new InvalidRequestException("imageNames names at least one image to push"
                        + " (or set isPushEnabled to false)");
            }
        }
        String dockerfile = dockerFilePath == null || dockerFilePath.isBlank() ? "Dockerfile" : dockerFilePath;
        if (dockerfile.startsWith("/") || List.of(dockerfile.split("/")).contains("..")) {
            throw new InvalidRequestException("dockerFilePath is a path inside the source, got " + dockerfile);
        }
        JsonArray args = new JsonArray();
        for (Requests.Argument argument : arguments == null ? List.<Requests.Argument>of() : arguments) {
            boolean secret = Boolean.TRUE.equals(argument.isSecret());
            try {
                new BuildArgument(argument.name(), argument.value(), secret);
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException(e.getMessage());
            }
            if (secret) {
                secrets.put("arg:" + argument.name(), secretValue(argument.name(), argument.value()));
            }
            args.add(new JsonObject().put("name", argument.name()).put("value", secret ? null : argument.value())
                    .put("isSecret", secret));
        }
        return new JsonObject().put("kind", "build").put("sourceLocation", source(sourceLocation))
                .put("build", new JsonObject().put("imageNames", new JsonArray(names)).put("dockerFilePath", dockerfile)
                        .put("arguments", args).put("target", target).put("isPushEnabled", push == null || push)
                        .put("noCache", Boolean.TRUE.equals(noCache)));
    }

    /**
     * A task file, or a command that becomes one ({@code az acr run --cmd}: one cmd step, whose timeout is the
     * step default of 600 s unless a timeout was given). Parsed now, so its errors come back with the request.
     */
    static JsonObject file(String taskFile, String cmd, Integer cmdTimeout, Map<String, String> values,
            Map<String, String> secretValues, String sourceLocation, Map<String, String> secrets) {
        if ((taskFile == null || taskFile.isBlank()) == (cmd == null || cmd.isBlank())) {
            throw new InvalidRequestException("give exactly one of taskFile and cmd");
        }
        String text = taskFile;
        if (text == null) {
            text = "steps:\n  - cmd: " + new JsonArray().add(cmd.strip()).encode().replaceAll("^\\[|]$", "") + "\n"
                    + (cmdTimeout == null ? "" : "    timeout: " + cmdTimeout + "\n");
        }
        Map<String, String> all = new HashMap<>(values == null ? Map.of() : values);
        if (secretValues != null) {
            secretValues.forEach((name, value) -> {
                secrets.put("value:" + name, secretValue(name, value));
                all.put(name, value);
            });
        }
        TaskFile.parse(text, probeVariables(), all);
        return new JsonObject().put("kind", "file").put("taskFile", text).put("sourceLocation", source(sourceLocation))
                .put("values", new JsonObject(new HashMap<>(values == null ? Map.of() : values)));
    }

    private static String secretValue(String name, String value) {
        if (value == null || value.length() < MIN_SECRET) {
            throw new InvalidRequestException("secret " + name + " needs a value of at least " + MIN_SECRET
                    + " characters (shorter ones cannot be masked in logs)");
        }
        return value;
    }

    /** Stand-in run variables for checking templates before the run has its id. */
    private static RunVariables probeVariables() {
        return new RunVariables("ca0", "registry.drydock.localhost", "registry", Instant.now(), Platform.DEFAULT,
                "", "", "", "Manual");
    }
}
