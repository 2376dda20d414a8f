package dev.drydock.cli.commands;

import dev.drydock.cli.Api;
import dev.drydock.cli.Base;
import dev.drydock.cli.Output;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code drydock scope-map create|list|show|delete} (az acr scope-map ...). */
@Command(name = "scope-map", description = "What tokens may do, per repository.",
        subcommands = {ScopeMapCommands.Create.class, ScopeMapCommands.ListAll.class, ScopeMapCommands.Show.class,
            ScopeMapCommands.Delete.class})
public final class ScopeMapCommands {

    static final List<Output.Column> COLUMNS = Output.columns("NAME", "name", "TYPE", "type", "ACTIONS", "actions",
            "DESCRIPTION", "description");

    @Command(name = "create", description = "Creates a scope map.")
    static class Create extends Base {
        @Parameters
        String name;

        @Option(names = "--repository", arity = "2", description = "a repository and its actions "
                + "(content/read,content/write,...), as az acr scope-map create; repeatable")
        List<String> repositories = List.of();

        @Option(names = "--action", description = "a full action, e.g. repositories/team/*/content/read; repeatable")
        List<String> actions = List.of();

        @Option(names = "--description")
        String description;

        @Override
        public Integer call() {
            List<String> all = new java.util.ArrayList<>(actions);
            for (int i = 0; i + 1 < repositories.size(); i += 2) {
                for (String action : repositories.get(i + 1).split(",")) {
                    all.add("repositories/" + repositories.get(i) + "/" + action.strip());
                }
            }
            if (all.isEmpty()) {
                throw new IllegalArgumentException("a scope map needs --repository REPO ACTIONS or --action");
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("actions", all);
            if (description != null) {
                body.put("description", description);
            }
            print(api().post(Api.Service.REGISTRY, registryPath("/scope-maps"), body), COLUMNS);
            return 0;
        }
    }

    @Command(name = "list", description = "Lists the scope maps.")
    static class ListAll extends Base {
        @Override
        public Integer call() {
            print(api().get(Api.Service.REGISTRY, registryPath("/scope-maps")).path("value"), COLUMNS);
            return 0;
        }
    }

    @Command(name = "show", description = "Shows a scope map.")
    static class Show extends Base {
        @Parameters
        String name;

        @Override
        public Integer call() {
            print(api().get(Api.Service.REGISTRY, registryPath("/scope-maps/" + Api.encode(name))), COLUMNS);
            return 0;
        }
    }

    @Command(name = "delete", description = "Deletes a scope map no token uses.")
    static class Delete extends Base {
        @Parameters
        String name;

        @Override
        public Integer call() {
            api().delete(Api.Service.REGISTRY, registryPath("/scope-maps/" + Api.encode(name)));
            System.err.println("scope map " + name + " deleted");
            return 0;
        }
    }
}
