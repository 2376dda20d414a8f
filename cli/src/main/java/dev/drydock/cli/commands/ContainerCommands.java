package dev.drydock.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drydock.cli.Api;
import dev.drydock.cli.ApiException;
import dev.drydock.cli.Base;
import dev.drydock.cli.Drydock;
import dev.drydock.cli.Output;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** {@code drydock container ...} (az container ...): container groups in the instance service. */
@Command(name = "container", description = "Container groups (ACI) on runc.",
        subcommands = {ContainerCommands.Create.class, ContainerCommands.ListAll.class, ContainerCommands.Show.class,
            ContainerCommands.Logs.class, ContainerCommands.Attach.class, ContainerCommands.Exec.class,
            ContainerCommands.Start.class,
            ContainerCommands.Stop.class, ContainerCommands.Restart.class, ContainerCommands.Delete.class,
            ContainerCommands.Export.class})
public final class ContainerCommands {

    static final String BASE = "/api/v1/containerGroups/";
    static final List<Output.Column> COLUMNS = Output.columns("NAME", "name", "STATE", "properties.instanceView.state",
            "PROVISIONING", "provisioningState", "IP", "properties.ipAddress.ip", "CONTAINERS", "containers",
            "RESTART POLICY", "properties.restartPolicy");

    /** A group for the table: its containers as name=state(exit code). */
    static JsonNode summary(JsonNode group) {
        ObjectNode row = group.deepCopy();
        ObjectNode containers = row.putObject("containers");
        for (JsonNode c : group.path("properties").path("containers")) {
            JsonNode state = c.path("properties").path("instanceView").path("currentState");
            containers.put(c.path("name").asText(), state.path("state").asText("-")
                    + (state.has("exitCode") ? "(" + state.get("exitCode").asInt() + ")" : ""));
        }
        row.put("provisioningState", group.path("properties").path("provisioningState").asText());
        return row;
    }

    /** Prints a whole group (json, yaml) or its summary row (table, tsv). */
    static void show(Base command, JsonNode group) {
        command.printAs(command.rows() ? summary(group) : group, COLUMNS);
    }

    @Command(name = "create", description = "Creates or replaces a group from its YAML or JSON file (ACI's format); "
            + "waits until it runs (or ends).")
    static class Create extends Base {
        @Option(names = {"-f", "--file"}, required = true)
        Path file;

        @Option(names = "--name", description = "default: the document's name")
        String name;

        @Option(names = "--no-wait")
        boolean noWait;

        @Option(names = "--timeout", description = "seconds to wait (300)")
        int timeout = 300;

        @Override
        public Integer call() throws IOException {
            String document = Files.readString(file);
            String group = name != null ? name : nameOf(document);
            JsonNode created = api().put(Api.Service.INSTANCES, BASE + Api.encode(group), document, "application/yaml");
            if (!noWait) {
                Instant deadline = Instant.now().plusSeconds(timeout);
                while (created.path("properties").path("instanceView").path("state").asText("Pending")
                        .equals("Pending")) {
                    if (Instant.now().isAfter(deadline)) {
                        System.err.println("group " + group + " is still Pending after " + timeout + " s");
                        show(this, created);
                        return Drydock.EXIT_UNSUCCESSFUL;
                    }
                    sleep(Duration.ofMillis(250));
                    created = api().get(Api.Service.INSTANCES, BASE + Api.encode(group));
                }
            }
            show(this, created);
            return created.path("properties").path("instanceView").path("state").asText().equals("Failed")
                    ? Drydock.EXIT_UNSUCCESSFUL : 0;
        }

        @SuppressWarnings("unchecked")
        static String nameOf(String document) {
            Object parsed = new Yaml().load(document);
            if (parsed instanceof Map<?, ?> map) {
                for (Map.Entry<?, ?> e : ((Map<Object, Object>) map).entrySet()) {
                    if (String.valueOf(e.getKey()).equalsIgnoreCase("name") && e.getValue() != null) {
                        return e.getValue().toString();
                    }
                }
            }
            throw new IllegalArgumentException("the document has no name; give --name");
        }
    }

    @Command(name = "list", description = "Lists the groups.")
    static class ListAll extends Base {
        @Override
        public Integer call() {
            // as ACI's list: no instance views, so no states (show has them)
            print(api().get(Api.Service.INSTANCES, BASE).path("value"), Output.columns("NAME", "name",
                    "PROVISIONING", "properties.provisioningState", "IP", "properties.ipAddress.ip",
                    "RESTART POLICY", "properties.restartPolicy", "CREATED", "createdAt"));
            return 0;
        }
    }

    @Command(name = "show", description = "Shows a group with its instance view and events.")
    static class Show extends Base {
        @Parameters
        String name;

        @Override
        public Integer call() {
            show(this, api().get(Api.Service.INSTANCES, BASE + Api.encode(name)));
            return 0;
        }
    }

    @Command(name = "logs", description = "A container's stdout and stderr (--follow streams them while it runs).")
    static class Logs extends Base {
        @Parameters
        String name;

        @Option(names = "--container-name", description = "default: the first container")
        String container;

        @Option(names = "--follow")
        boolean follow;

        @Option(names = "--tail")
        Integer tail;

        @Option(names = "--timestamps")
        boolean timestamps;

        @Override
        public Integer call() throws IOException {
            String path = BASE + Api.encode(name) + "/containers/" + Api.encode(container != null ? container
                    : firstContainer(this, name)) + "/logs?timestamps=" + timestamps + (tail == null ? ""
                    : "&tail=" + tail);
            if (follow) {
                try (InputStream stream = api().stream(Api.Service.INSTANCES, path + "&follow=true")) {
                    stream.transferTo(System.out);
                }
            } else {
                System.out.print(api().get(Api.Service.INSTANCES, path).path("content").asText());
            }
            System.out.flush();
            return 0;
        }
    }

    @Command(name = "attach", description = "Shows a container's state and streams its output until its run ends "
            + "(az container attach).")
    static class Attach extends Base {
        @Parameters
        String name;

        @Option(names = "--container-name", description = "default: the first container")
        String container;

        @Override
        public Integer call() throws IOException {
            String c = container != null ? container : firstContainer(this, name);
            System.err.println(state(api().get(Api.Service.INSTANCES, BASE + Api.encode(name)), c));
            try (InputStream stream = api().stream(Api.Service.INSTANCES, BASE + Api.encode(name) + "/containers/"
                    + Api.encode(c) + "/logs?follow=true")) {
                stream.transferTo(System.out);
            }
            System.out.flush();
            System.err.println(state(api().get(Api.Service.INSTANCES, BASE + Api.encode(name)), c));
            return 0;
        }

        private static String state(JsonNode group, String container) {
            for (JsonNode c : group.path("properties").path("containers")) {
                if (c.path("name").asText().equals(container)) {
                    JsonNode state = c.path("properties").path("instanceView").path("currentState");
                    return "Container '" + container + "' is in state '" + state.path("state").asText("Waiting")
                            + "'" + (state.has("exitCode") ? " (exit code " + state.get("exitCode").asInt() + ")" : "")
                            + (state.hasNonNull("detailStatus") ? ": " + state.get("detailStatus").asText() : "");
                }
            }
            throw new ApiException("group has no container " + container, Api.EXIT_NOT_FOUND);
        }
    }

    @Command(name = "exec", description = "Runs a command in a running container: interactively on a terminal "
            + "(--exec-command \"/bin/sh\" as az, or -i), or captured: drydock container exec NAME -- ls -l /")
    static class Exec extends Base {
        @Parameters(index = "0")
        String name;

        @Parameters(index = "1..*", arity = "0..*", description = "the command and its arguments")
        List<String> command = List.of();

        @Option(names = "--exec-command", description = "a command line run on a terminal (az's spelling)")
        String execCommand;

        @Option(names = {"-i", "--interactive"}, description = "the positional command on a terminal")
        boolean interactive;

        @Option(names = "--container-name", description = "default: the first container")
        String container;

        @Option(names = "--timeout", description = "seconds a captured command may take (60)")
        int timeout = 60;

        @Override
        public Integer call() throws Exception {
            String path = BASE + Api.encode(name) + "/containers/" + Api.encode(container != null ? container
                    : firstContainer(this, name)) + "/exec";
            if (execCommand != null || interactive) {
                List<String> argv = execCommand != null ? List.of(execCommand.trim().split("\\s+")) : command;
                if (argv.isEmpty() || argv.get(0).isEmpty()) {
                    throw new IllegalArgumentException("name the command: --exec-command /bin/sh");
                }
                return TerminalSession.run(api(), path, argv);
            }
            if (command.isEmpty()) {
                throw new IllegalArgumentException("name the command: drydock container exec NAME -- ls -l /");
            }
            JsonNode result = api().post(Api.Service.INSTANCES, path, Map.of("command", command, "timeoutSeconds",
                    timeout));
            System.out.print(result.path("stdout").asText());
            System.err.print(result.path("stderr").asText());
            if (result.path("timedOut").asBoolean()) {
                throw new ApiException("the command did not end within " + timeout + " s", Api.EXIT_FAILED);
            }
            return result.path("exitCode").asInt();
        }
    }

    /** start, stop and restart: a POST to the group's action of the command's name, answering the group. */
    abstract static class GroupAction extends Base {
        @Parameters
        String name;

        @Override
        public Integer call() {
            show(this, api().post(Api.Service.INSTANCES, BASE + Api.encode(name) + "/" + spec.name(), Map.of()));
            return 0;
        }
    }

    @Command(name = "start", description = "Starts a stopped group (a new deployment).")
    static class Start extends GroupAction {
    }

    @Command(name = "stop", description = "Stops every container of a group and frees what it held.")
    static class Stop extends GroupAction {
    }

    @Command(name = "restart", description = "Restarts every container of a group.")
    static class Restart extends GroupAction {
    }

    @Command(name = "delete", description = "Deletes a group with its logs and volumes (shares stay).")
    static class Delete extends Base {
        @Parameters
        String name;

        @Option(names = {"-y", "--yes"}, required = true, description = "confirms the deletion")
        boolean yes;

        @Override
        public Integer call() {
            api().delete(Api.Service.INSTANCES, BASE + Api.encode(name));
            System.err.println("container group " + name + " deleted");
            return 0;
        }
    }

    @Command(name = "export", description = "The group's spec as YAML, without secure values.")
    static class Export extends Base {
        @Parameters
        String name;

        @Option(names = {"-f", "--file"}, description = "write here instead of stdout")
        Path file;

        @Override
        public Integer call() throws IOException {
            String yaml = api().text(Api.Service.INSTANCES, BASE + Api.encode(name) + "/export");
            if (file != null) {
                Files.writeString(file, yaml);
            } else {
                System.out.print(yaml);
            }
            return 0;
        }
    }

    static String firstContainer(Base command, String group) {
        JsonNode shown = command.apiOf().get(Api.Service.INSTANCES, BASE + Api.encode(group));
        return shown.path("properties").path("containers").path(0).path("name").asText();
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException("interrupted", 130);
        }
    }
}
