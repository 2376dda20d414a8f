package dev.drydock.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drydock.cli.Api;
import dev.drydock.cli.Base;
import dev.drydock.cli.Contexts;
import dev.drydock.cli.Output;
import dev.drydock.cli.Runs;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code drydock run --cmd ... | -f task.yaml} (az acr run): a quick run, followed to its end. */
@Command(name = "run", description = "Runs a command (--cmd) or a multi-step task file (-f) in the task service; "
        + "follows the log and exits with the run's result.")
public class RunCommand extends Base {

    public static final List<Output.Column> COLUMNS = Output.columns("RUN ID", "runId", "STATUS", "status", "TYPE",
            "runType", "TASK", "task", "TRIGGER", "trigger", "STARTED", "startTime", "FINISHED", "finishTime");

    static class What {
        @Option(names = "--cmd", description = "an image and its arguments, e.g. \"busybox echo hi\"", required = true)
        String cmd;

        @Option(names = {"-f", "--file"}, description = "a task file (YAML)", required = true)
        Path file;
    }

    @ArgGroup(multiplicity = "1")
    What what;

    @Parameters(arity = "0..1", description = "the source: a directory, a Git URL or /dev/null (default)")
    String context = "/dev/null";

    @Option(names = "--set", description = "NAME=VALUE for {{.Values.NAME}}; repeatable")
    Map<String, String> values = Map.of();

    @Option(names = "--set-secret", description = "NAME=VALUE, masked in logs; repeatable")
    Map<String, String> secretValues = Map.of();

    @Option(names = "--timeout", description = "seconds")
    Integer timeout;

    @Option(names = {"--no-logs", "--no-wait"}, description = "print the queued run and return (az: both)")
    boolean noWait;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        if (what.cmd != null) {
            body.put("cmd", what.cmd);
        } else {
            body.put("taskFile", Files.readString(what.file));
        }
        body.put("sourceLocation", Contexts.upload(api(), registryPath(""), context));
        if (!values.isEmpty()) {
            body.put("values", values);
        }
        if (!secretValues.isEmpty()) {
            body.put("secretValues", secretValues);
        }
        BuildCommand.putIfSet(body, "timeout", timeout);
        return Runs.queued(this, api().post(Api.Service.TASKS, registryPath("/runs"), body), noWait);
    }
}
