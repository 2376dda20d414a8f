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

/** {@code drydock cache create|list|show|update|delete} (az acr cache ...): pull-through cache rules. */
@Command(name = "cache", description = "Cache rules: repositories filled from an upstream registry on first pull.",
        subcommands = {CacheCommands.Create.class, CacheCommands.ListAll.class, CacheCommands.Show.class,
            CacheCommands.Update.class, CacheCommands.Delete.class})
public final class CacheCommands {

    static final List<Output.Column> COLUMNS = Output.columns("NAME", "name", "TARGET", "targetRepository",
            "SOURCE", "sourceRepository", "CREDENTIAL SET", "credentialSetResourceId", "CREATED", "creationDate");

    static String path(Base command, String name) {
        return command.pathOf("/cacheRules" + (name == null ? "" : "/" + Api.encode(name)));
    }

    @Command(name = "create", description = "Creates a cache rule; its target repository must not exist yet.")
    static class Create extends Base {
        @Parameters(description = "the rule's name (5 to 50 letters, digits and dashes)")
        String name;

        @Option(names = {"-s", "--source-repo"}, required = true,
                description = "host/repository upstream, or host/prefix/* (docker.io/library/nginx, quay.io/coreos/*)")
        String source;

        @Option(names = {"-t", "--target-repo"}, required = true,
                description = "the repository here, or prefix/* or * with a wildcard source")
        String target;

        @Option(names = {"-c", "--cred-set"}, description = "the credential set to log in upstream with")
        String credentialSet;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("sourceRepository", source);
            body.put("targetRepository", target);
            BuildCommand.putIfSet(body, "credentialSet", credentialSet);
            print(api().post(Api.Service.REGISTRY, path(this, null), body), COLUMNS);
            return 0;
        }
    }

    @Command(name = "list", description = "Lists the cache rules.")
    static class ListAll extends Base {
        @Override
        public Integer call() {
            print(api().get(Api.Service.REGISTRY, path(this, null)).path("value"), COLUMNS);
            return 0;
        }
    }

    @Command(name = "show", description = "Shows a cache rule.")
    static class Show extends Base {
        @Parameters
        String name;

        @Override
        public Integer call() {
            print(api().get(Api.Service.REGISTRY, path(this, name)), COLUMNS);
            return 0;
        }
    }

    @Command(name = "update", description = "Gives a rule another credential set, or none.")
    static class Update extends Base {
        @Parameters
        String name;

        @Option(names = {"-c", "--cred-set"}, description = "the credential set to use from now on")
        String credentialSet;

        @Option(names = "--remove-cred-set", description = "pull anonymously from now on")
        boolean remove;

        @Override
        public Integer call() {
            if (remove == (credentialSet != null)) {
                throw new IllegalArgumentException("give --cred-set NAME or --remove-cred-set");
            }
            Map<String, Object> body = remove ? Map.of("removeCredentialSet", true)
                    : Map.of("credentialSet", credentialSet);
            print(api().patch(Api.Service.REGISTRY, path(this, name), body), COLUMNS);
            return 0;
        }
    }

    @Command(name = "delete", description = "Deletes a cache rule; what it cached stays.")
    static class Delete extends Base {
        @Parameters
        String name;

        @Option(names = {"-y", "--yes"}, description = "no prompt (accepted as every delete accepts it)")
        boolean yes;

        @Override
        public Integer call() {
            api().delete(Api.Service.REGISTRY, path(this, name));
            System.err.println("cache rule " + name + " deleted");
            return 0;
        }
    }
}
