package dev.drydock.cli.commands;

import dev.drydock.cli.Api;
import dev.drydock.cli.Base;
import dev.drydock.cli.Output;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.Map;

/** {@code drydock registry create|list|show|delete} (az acr create/list/show/delete). */
@Command(name = "registry", description = "Registries: tenants with ACR's SKUs.",
        subcommands = {RegistryCommands.Create.class, RegistryCommands.ListAll.class, RegistryCommands.Show.class,
            RegistryCommands.Delete.class})
public final class RegistryCommands {

    static final List<Output.Column> COLUMNS = Output.columns("NAME", "name", "SKU", "sku.name", "LOGIN SERVER",
            "loginServer", "CREATED", "creationDate", "ADMIN USER", "adminUserEnabled");

    @Command(name = "create", description = "Creates a registry.")
    static class Create extends Base {
        @Parameters(description = "5-50 letters and digits")
        String name;

        @Option(names = "--sku", description = "Basic, Standard (default) or Premium")
        String sku = "Standard";

        @Override
        public Integer call() {
            print(api().post(Api.Service.REGISTRY, "/api/v1/registries", Map.of("name", name, "sku",
                    Map.of("name", sku))), COLUMNS);
            return 0;
        }
    }

    @Command(name = "list", description = "Lists the registries.")
    static class ListAll extends Base {
        @Override
        public Integer call() {
            print(api().get(Api.Service.REGISTRY, "/api/v1/registries").path("value"), COLUMNS);
            return 0;
        }
    }

    @Command(name = "show", description = "Shows a registry (-r, or the name).")
    static class Show extends Base {
        @Parameters(arity = "0..1")
        String name;

        @Override
        public Integer call() {
            print(api().get(Api.Service.REGISTRY, "/api/v1/registries/" + Api.encode(name != null ? name : registry())),
                    COLUMNS);
            return 0;
        }
    }

    @Command(name = "delete", description = "Deletes a registry with all its repositories.")
    static class Delete extends Base {
        @Parameters
        String name;

        @Option(names = {"-y", "--yes"}, required = true, description = "confirms: every image in it goes")
        boolean yes;

        @Override
        public Integer call() {
            api().delete(Api.Service.REGISTRY, "/api/v1/registries/" + Api.encode(name));
            System.err.println("registry " + name + " deleted");
            return 0;
        }
    }
}
