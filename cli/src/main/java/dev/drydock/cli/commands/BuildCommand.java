package dev.drydock.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drydock.cli.Api;
import dev.drydock.cli.Base;
import dev.drydock.cli.Contexts;
import dev.drydock.cli.Runs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code drydock build} (az acr build): uploads the context, queues a quick build and follows it to its end. */
@Command(name = "build", description = "Builds an image from a Dockerfile in the task service and pushes it; "
        + "follows the log and exits with the run's result.")
public class BuildCommand extends Base {

    @Parameters(description = "a directory, a Git URL (https://host/repo.git#branch:folder) or /dev/null")
    String context;

    @Option(names = {"-t", "--image"}, required = true, description = "image names, {{.Run.ID}} allowed; repeatable")
    List<String> images;

    @Option(names = {"-f", "--file"}, description = "the Dockerfile, relative to the context (Dockerfile)")
    String dockerfile;

    @Option(names = "--build-arg", description = "NAME=VALUE; repeatable")
    List<String> buildArgs = List.of();

    @Option(names = "--secret-build-arg", description = "NAME=VALUE, masked in logs; repeatable")
    List<String> secretBuildArgs = List.of();

    @Option(names = "--target")
    String target;

    @Option(names = "--platform")
    String platform;

    @Option(names = "--no-push")
    boolean noPush;

    @Option(names = "--no-cache")
    boolean noCache;

    @Option(names = "--timeout", description = "seconds (300-28800, 3600)")
    Integer timeout;

    @Option(names = {"--no-logs", "--no-wait"}, description = "print the queued run and return (az: both)")
    boolean noWait;

    @Override
    public Integer call() throws Exception {
        String source = Contexts.upload(api(), registryPath(""), context, dockerfile == null ? "Dockerfile" : dockerfile);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("imageNames", images);
        body.put("sourceLocation", source);
        if (dockerfile != null) {
            body.put("dockerFilePath", dockerfile);
        }
        List<Map<String, Object>> arguments = new ArrayList<>();
        buildArgs.forEach(a -> arguments.add(argument(a, false)));
        secretBuildArgs.forEach(a -> arguments.add(argument(a, true)));
        if (!arguments.isEmpty()) {
            body.put("arguments", arguments);
        }
        putIfSet(body, "target", target);
        putIfSet(body, "platform", platform);
        putIfSet(body, "timeout", timeout);
        body.put("isPushEnabled", !noPush);
        body.put("noCache", noCache);
        return Runs.queued(this, api().post(Api.Service.TASKS, registryPath("/builds"), body), noWait);
    }

    static Map<String, Object> argument(String nameValue, boolean secret) {
        int eq = nameValue.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("a build argument is NAME=VALUE: " + (secret ? "(secret)" : nameValue));
        }
        return Map.of("name", nameValue.substring(0, eq), "value", nameValue.substring(eq + 1), "isSecret", secret);
    }

    static void putIfSet(Map<String, Object> body, String key, Object value) {
        if (value != null) {
            body.put(key, value);
        }
    }
}
