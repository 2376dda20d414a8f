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

/** {@code drydock token create|list|show|delete} (az acr token ...). */
@Command(name = "token", description = "Repository tokens bound to scope maps.",
        subcommands = {TokenCommands.Create.class, TokenCommands.ListAll.class, TokenCommands.Show.class,
            TokenCommands.Delete.class})
public final class TokenCommands {

    static final List<Output.Column> COLUMNS = Output.columns("NAME", "name", "SCOPE MAP", "scopeMap", "STATUS",
            "status", "PASSWORDS", "credentials.passwords.name");

    @Command(name = "create", description = "Creates a token; its two passwords are shown this once.")
    static class Create extends Base {
        @Parameters
        String name;

        @Option(names = "--scope-map", required = true)
        String scopeMap;

        @Option(names = "--status", description = "enabled (default) or disabled")
        String status = "enabled";

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("scopeMap", scopeMap);
            body.put("status", status);
            print(api().post(Api.Service.REGISTRY, registryPath("/tokens"), body), Output.columns("NAME", "name",
                    "PASSWORD1", "credentials.passwords.0.value", "PASSWORD2", "credentials.passwords.1.value"));
            return 0;
        }
    }

    @Command(name = "list", description = "Lists the tokens.")
    static class ListAll extends Base {
        @Override
        public Integer call() {
            print(api().get(Api.Service.REGISTRY, registryPath("/tokens")).path("value"), COLUMNS);
            return 0;
        }
    }

    @Command(name = "show", description = "Shows a token (password names and expiries only).")
    static class Show extends Base {
        @Parameters
        String name;

        @Override
        public Integer call() {
            print(api().get(Api.Service.REGISTRY, registryPath("/tokens/" + Api.encode(name))), COLUMNS);
            return 0;
        }
    }

    @Command(name = "delete", description = "Deletes a token.")
    static class Delete extends Base {
        @Parameters
        String name;

        @Override
        public Integer call() {
            api().delete(Api.Service.REGISTRY, registryPath("/tokens/" + Api.encode(name)));
            System.err.println("token " + name + " deleted");
            return 0;
        }
    }
}
