package dev.drydock.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drydock.cli.Api;
import dev.drydock.cli.ApiException;
import dev.drydock.cli.Base;
import dev.drydock.cli.Output;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.Map;

/**
 * {@code drydock task credential add|update|remove|list} (az acr task credential ...): what a task's builds log in to
 * other registries with.
 */
@Command(name = "credential", description = "A task's credentials for other registries.",
        subcommands = {TaskCredentialCommands.Add.class, TaskCredentialCommands.Update.class,
            TaskCredentialCommands.Remove.class, TaskCredentialCommands.ListAll.class})
public final class TaskCredentialCommands {

    static final List<Output.Column> COLUMNS = Output.columns("LOGIN SERVER", "loginServer", "USERNAME", "username",
            "IDENTITY", "identity");

    /** A user name with its password, or the task service's identity. */
    static class Secret {
        @Option(names = {"-u", "--username"})
        String username;

        @Option(names = {"-p", "--password"})
        String password;

        @Option(names = "--use-identity", description = "[system]: the task service's own identity, for another "
                + "Drydock registry (administrator only)")
        String identity;

        Map<String, String> body() {
            if (identity != null) {
                return Map.of("identity", identity);
            }
            if (username == null || password == null) {
                throw new ApiException("give -u and -p, or --use-identity [system]", 2);
            }
            return Map.of("username", username, "password", password);
        }
    }

    abstract static class Change extends Base {
        @Parameters(description = "the task")
        String task;

        @Option(names = "--login-server", required = true, description = "host[:port] of the other registry")
        String server;

        @ArgGroup(exclusive = false, multiplicity = "1")
        Secret secret;

        abstract boolean mustExist();

        @Override
        public Integer call() {
            String path = "/tasks/" + Api.encode(task) + "/credentials";
            boolean exists = api().get(Api.Service.TASKS, registryPath(path)).has(server.toLowerCase());
            if (exists != mustExist()) {
                throw new ApiException("task " + task + (exists ? " already has a credential for " + server
                        + "; use 'task credential update'" : " has no credential for " + server
                        + "; use 'task credential add'"), exists ? Api.EXIT_FAILED : Api.EXIT_NOT_FOUND);
            }
            print(credentialRows(api().put(Api.Service.TASKS, registryPath(path + "/" + Api.encode(server)),
                    Api.JSON.valueToTree(secret.body()).toString(), "application/json")), COLUMNS);
            return 0;
        }
    }

    @Command(name = "add", description = "Adds a credential for a login server.")
    static class Add extends Change {
        @Override
        boolean mustExist() {
            return false;
        }
    }

    @Command(name = "update", description = "Replaces the credential for a login server.")
    static class Update extends Change {
        @Override
        boolean mustExist() {
            return true;
        }
    }

    @Command(name = "remove", description = "Removes the credential for a login server.")
    static class Remove extends Base {
        @Parameters(description = "the task")
        String task;

        @Option(names = "--login-server", required = true)
        String server;

        @Option(names = {"-y", "--yes"}, description = "no prompt (accepted as every delete accepts it)")
        boolean yes;

        @Override
        public Integer call() {
            api().delete(Api.Service.TASKS, registryPath("/tasks/" + Api.encode(task) + "/credentials/"
                    + Api.encode(server)));
            System.err.println("credential for " + server + " removed from task " + task);
            return 0;
        }
    }

    @Command(name = "list", description = "Lists a task's credentials (never their passwords).")
    static class ListAll extends Base {
        @Parameters(description = "the task")
        String task;

        @Override
        public Integer call() {
            print(credentialRows(api().get(Api.Service.TASKS, registryPath("/tasks/" + Api.encode(task) + "/credentials"))),
                    COLUMNS);
            return 0;
        }
    }

    /** {server: {username | identity}} as rows with the server in them. */
    private static JsonNode credentialRows(JsonNode credentials) {
        ArrayNode rows = Api.JSON.createArrayNode();
        credentials.fields().forEachRemaining(e -> rows.addObject().put("loginServer", e.getKey())
                .setAll((ObjectNode) e.getValue()));
        return rows;
    }
}
