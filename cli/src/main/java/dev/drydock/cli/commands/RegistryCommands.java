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

/** {@code drydock registry create|list|show|update|delete} (az acr ...), and {@code drydock show-usage}. */
@Command(name = "registry", description = "Registries: tenants with ACR's SKUs.",
        subcommands = {RegistryCommands.Create.class, RegistryCommands.ListAll.class, RegistryCommands.Show.class,
            RegistryCommands.Update.class, RegistryCommands.Delete.class})
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

    @Command(name = "update", description = "Changes a registry's SKU, admin user or anonymous pull (az acr update).")
    static class Update extends Base {
        @Parameters(arity = "0..1", description = "default: -r or the profile's")
        String name;

        @Option(names = "--sku", description = "Basic, Standard or Premium")
        String sku;

        @Option(names = "--admin-enabled", arity = "1", description = "true or false")
        Boolean adminEnabled;

        @Option(names = "--anonymous-pull-enabled", arity = "1", description = "true or false (Standard, Premium)")
        Boolean anonymousPull;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            if (sku != null) {
                body.put("sku", Map.of("name", sku));
            }
            if (adminEnabled != null) {
                body.put("adminUserEnabled", adminEnabled);
            }
            if (anonymousPull != null) {
                body.put("anonymousPullEnabled", anonymousPull);
            }
            if (body.isEmpty()) {
                throw new IllegalArgumentException("nothing to change: give --sku, --admin-enabled or "
                        + "--anonymous-pull-enabled");
            }
            print(api().patch(Api.Service.REGISTRY, "/api/v1/registries/" + Api.encode(name != null ? name
                    : registry()), body), COLUMNS);
            return 0;
        }
    }

    @Command(name = "show-usage", description = "Storage and webhooks used against the SKU's limits "
            + "(az acr show-usage).")
    public static class ShowUsage extends Base {
        @Override
        public Integer call() {
            print(api().get(Api.Service.REGISTRY, registryPath("/usages")).path("value"), Output.columns("NAME",
                    "name", "USED", "currentValue", "LIMIT", "limit", "UNIT", "unit"));
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
