package dev.drydock.cli.commands;

import dev.drydock.cli.Api;
import dev.drydock.cli.Base;
import dev.drydock.cli.Output;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code drydock credential-set create|list|show|update|delete} (az acr credential-set ...): logins for upstream
 * registries, which the service keeps encrypted and never shows again.
 */
@Command(name = "credential-set", description = "Logins that cache rules use for their upstream registries.",
        subcommands = {CredentialSetCommands.Create.class, CredentialSetCommands.ListAll.class,
            CredentialSetCommands.Show.class, CredentialSetCommands.Update.class, CredentialSetCommands.Delete.class})
public final class CredentialSetCommands {

    static final List<Output.Column> COLUMNS = Output.columns("NAME", "name", "LOGIN SERVER", "loginServer",
            "HEALTH", "authCredentials.0.credentialHealth.status",
            "ERROR", "authCredentials.0.credentialHealth.errorMessage", "CREATED", "creationDate");

    static String path(Base command, String name) {
        return command.pathOf("/credentialSets" + (name == null ? "" : "/" + Api.encode(name)));
    }

    @Command(name = "create", description = "Creates a credential set.")
    static class Create extends Base {
        @Parameters(description = "the set's name (5 to 50 letters, digits and dashes)")
        String name;

        @Option(names = {"-l", "--login-server"}, required = true, description = "the upstream, like docker.io")
        String loginServer;

        @Option(names = {"-u", "--username"}, required = true)
        String username;

        @Mixin
        PasswordOption password;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("loginServer", loginServer);
            body.put("username", username);
            body.put("password", password.read());
            print(api().post(Api.Service.REGISTRY, path(this, null), body), COLUMNS);
            return 0;
        }
    }

    @Command(name = "list", description = "Lists the credential sets with their health.")
    static class ListAll extends Base {
        @Override
        public Integer call() {
            print(api().get(Api.Service.REGISTRY, path(this, null)).path("value"), COLUMNS);
            return 0;
        }
    }

    @Command(name = "show", description = "Shows a credential set and the health its last upstream call found.")
    static class Show extends Base {
        @Parameters
        String name;

        @Override
        public Integer call() {
            print(api().get(Api.Service.REGISTRY, path(this, name)), COLUMNS);
            return 0;
        }
    }

    @Command(name = "update", description = "Gives a credential set a new user name and password.")
    static class Update extends Base {
        @Parameters
        String name;

        @Option(names = {"-u", "--username"}, required = true)
        String username;

        @Mixin
        PasswordOption password;

        @Override
        public Integer call() throws Exception {
            print(api().patch(Api.Service.REGISTRY, path(this, name),
                    Map.of("username", username, "password", password.read())), COLUMNS);
            return 0;
        }
    }

    @Command(name = "delete", description = "Deletes a credential set no cache rule uses.")
    static class Delete extends Base {
        @Parameters
        String name;

        @Option(names = {"-y", "--yes"}, description = "no prompt (accepted as every delete accepts it)")
        boolean yes;

        @Override
        public Integer call() {
            api().delete(Api.Service.REGISTRY, path(this, name));
            System.err.println("credential set " + name + " deleted");
            return 0;
        }
    }
}
