package dev.drydock.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drydock.cli.Api;
import dev.drydock.cli.ApiException;
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

/**
 * {@code drydock task create|list|show|update|delete|run|logs|list-runs|show-run|cancel-run|credential}
 * (az acr task ...).
 */
@Command(name = "task", description = "Saved tasks and their runs.",
        subcommands = {TaskCommands.Create.class, TaskCommands.ListAll.class, TaskCommands.Show.class,
            TaskCommands.Update.class, TaskCommands.Delete.class, TaskCommands.RunTask.class, TaskCommands.Logs.class,
            TaskCommands.ListRuns.class, TaskCommands.ShowRun.class, TaskCommands.CancelRun.class,
            TaskCredentialCommands.class})
public final class TaskCommands {

    static final List<Output.Column> COLUMNS = Output.columns("NAME", "name", "STATUS", "status", "STEP", "step.type",
            "PLATFORM", "platform", "TIMEOUT", "timeout");

    @Command(name = "create", description = "Creates a task: a build (-t), a command (--cmd) or a task file "
            + "(--task-file), with triggers.")
    static class Create extends Base {
        @Parameters
        String name;

        @Option(names = {"-c", "--context"}, description = "a Git URL, a directory (uploaded now) or /dev/null")
        String context = "/dev/null";

        @Option(names = {"-t", "--image"}, description = "image names of a build step; repeatable")
        List<String> images = List.of();

        @Option(names = {"-f", "--file"}, description = "the Dockerfile of a build step")
        String dockerfile;

        @Option(names = "--cmd", description = "a command step (EncodedTask)")
        String cmd;

        @Option(names = "--task-file", description = "a local task file (FileTask)")
        Path taskFile;

        @ArgGroup(exclusive = false)
        Triggers triggers = new Triggers();

        @Option(names = "--set", description = "NAME=VALUE for {{.Values.NAME}}; repeatable")
        Map<String, String> values = Map.of();

        @Option(names = "--timeout", description = "seconds")
        Integer timeout;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> step = new LinkedHashMap<>();
            if (cmd != null) {
                step.put("type", "EncodedTask");
                step.put("cmd", cmd);
            } else if (taskFile != null) {
                step.put("type", "FileTask");
                step.put("taskFileContent", Files.readString(taskFile));
            } else {
                if (images.isEmpty()) {
                    throw new IllegalArgumentException("a task builds (-t), runs a command (--cmd) or a task file "
                            + "(--task-file)");
                }
                step.put("type", "Docker");
                step.put("imageNames", images);
                BuildCommand.putIfSet(step, "dockerFilePath", dockerfile);
            }
            step.put("contextPath", Contexts.upload(api(), registryPath(""), context));
            if (!values.isEmpty()) {
                step.put("values", values);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("step", step);
            BuildCommand.putIfSet(body, "timeout", timeout);
            triggers.putInto(body);
            print(api().post(Api.Service.TASKS, registryPath("/tasks"), body), COLUMNS);
            return 0;
        }
    }

    /** The trigger options of create and update; only those given are sent. */
    static class Triggers {
        @Option(names = "--schedule", description = "a timer trigger, 5-field cron in UTC; repeatable")
        List<String> schedules = List.of();

        @Option(names = "--base-image-trigger-enabled", arity = "1")
        Boolean baseImageTrigger;

        @Option(names = "--commit-trigger-enabled", arity = "1")
        Boolean commitTrigger;

        void putInto(Map<String, Object> body) {
            Map<String, Object> trigger = new LinkedHashMap<>();
            if (!schedules.isEmpty()) {
                trigger.put("timerTriggers", schedules.stream().map(s -> Map.of("schedule", s)).toList());
            }
            if (baseImageTrigger != null) {
                trigger.put("baseImageTrigger", Map.of("status", baseImageTrigger ? "Enabled" : "Disabled"));
            }
            if (commitTrigger != null) {
                trigger.put("sourceTriggers", List.of(Map.of("status", commitTrigger ? "Enabled" : "Disabled")));
            }
            if (!trigger.isEmpty()) {
                body.put("trigger", trigger);
            }
        }
    }

    @Command(name = "update", description = "Changes a task: status, timeout, CPUs or triggers (az acr task update).")
    static class Update extends Base {
        @Parameters
        String name;

        @Option(names = "--status", description = "Enabled or Disabled")
        String status;

        @Option(names = "--timeout", description = "seconds")
        Integer timeout;

        @Option(names = "--cpu")
        Integer cpu;

        @ArgGroup(exclusive = false)
        Triggers triggers = new Triggers();

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            BuildCommand.putIfSet(body, "status", status);
            BuildCommand.putIfSet(body, "timeout", timeout);
            if (cpu != null) {
                body.put("agentConfiguration", Map.of("cpu", cpu));
            }
            triggers.putInto(body);
            if (body.isEmpty()) {
                throw new IllegalArgumentException("nothing to change: give --status, --timeout, --cpu or a trigger");
            }
            print(api().patch(Api.Service.TASKS, registryPath("/tasks/" + Api.encode(name)), body), COLUMNS);
            return 0;
        }
    }

    @Command(name = "list", description = "Lists the tasks.")
    static class ListAll extends Base {
        @Override
        public Integer call() {
            print(api().get(Api.Service.TASKS, registryPath("/tasks")), COLUMNS);
            return 0;
        }
    }

    @Command(name = "show", description = "Shows a task.")
    static class Show extends Base {
        @Parameters
        String name;

        @Override
        public Integer call() {
            print(api().get(Api.Service.TASKS, registryPath("/tasks/" + Api.encode(name))), COLUMNS);
            return 0;
        }
    }

    @Command(name = "delete", description = "Deletes a task (its runs stay).")
    static class Delete extends Base {
        @Parameters
        String name;

        @Option(names = {"-y", "--yes"}, description = "no prompt (accepted as every delete accepts it)")
        boolean yes;

        @Override
        public Integer call() {
            api().delete(Api.Service.TASKS, registryPath("/tasks/" + Api.encode(name)));
            System.err.println("task " + name + " deleted");
            return 0;
        }
    }

    @Command(name = "run", description = "Runs a task now and follows the run to its end.")
    static class RunTask extends Base {
        @Parameters
        String name;

        @Option(names = "--set", description = "NAME=VALUE; repeatable")
        Map<String, String> values = Map.of();

        @Option(names = {"--no-logs", "--no-wait"}, description = "print the queued run and return (az: both)")
        boolean noWait;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            if (!values.isEmpty()) {
                body.put("values", values);
            }
            return Runs.queued(this, api().post(Api.Service.TASKS, registryPath("/tasks/" + Api.encode(name)
                    + "/runs"), body), noWait);
        }
    }

    @Command(name = "logs", description = "A run's log, followed while the run goes on (az acr task logs): the "
            + "run given, else the latest run (of the task named by --name).")
    static class Logs extends Base {
        @Option(names = "--run-id")
        String runId;

        @Option(names = "--name", description = "the task whose latest run to show")
        String task;

        @Override
        public Integer call() {
            String id = runId;
            if (id == null) {
                JsonNode latest = api().get(Api.Service.TASKS, registryPath("/runs?top=1"
                        + (task == null ? "" : "&task=" + Api.encode(task))));
                if (latest.isEmpty()) {
                    throw new ApiException("no runs" + (task == null ? "" : " of task " + task) + " yet",
                            Api.EXIT_NOT_FOUND);
                }
                id = latest.get(0).path("runId").asText();
                System.err.println("Showing the latest run: " + id);
            }
            return Runs.follow(api(), registryPath(""), id);
        }
    }

    @Command(name = "list-runs", description = "Lists runs, newest first.")
    static class ListRuns extends Base {
        @Option(names = "--name", description = "the task's")
        String task;

        @Option(names = "--run-status")
        String status;

        @Option(names = "--top")
        Integer top;

        @Override
        public Integer call() {
            StringBuilder query = new StringBuilder("?top=" + (top == null ? 15 : top));
            if (task != null) {
                query.append("&task=").append(Api.encode(task));
            }
            if (status != null) {
                query.append("&status=").append(Api.encode(status));
            }
            print(api().get(Api.Service.TASKS, registryPath("/runs" + query)), RunCommand.COLUMNS);
            return 0;
        }
    }

    @Command(name = "show-run", description = "Shows a run.")
    static class ShowRun extends Base {
        @Option(names = "--run-id", required = true)
        String runId;

        @Override
        public Integer call() {
            print(api().get(Api.Service.TASKS, registryPath("/runs/" + Api.encode(runId))), RunCommand.COLUMNS);
            return 0;
        }
    }

    @Command(name = "cancel-run", description = "Cancels a queued or running run.")
    static class CancelRun extends Base {
        @Option(names = "--run-id", required = true)
        String runId;

        @Override
        public Integer call() {
            api().post(Api.Service.TASKS, registryPath("/runs/" + Api.encode(runId) + "/cancel"), Map.of());
            System.err.println("run " + runId + " canceled");
            return 0;
        }
    }
}
