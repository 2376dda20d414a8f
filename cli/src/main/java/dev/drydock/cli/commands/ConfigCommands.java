package dev.drydock.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drydock.cli.Api;
import dev.drydock.cli.Base;
import dev.drydock.cli.Output;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code drydock config retention show|update} (az acr config retention ...). */
@Command(name = "config", description = "Registry policies.", subcommands = ConfigCommands.Retention.class)
public final class ConfigCommands {

    static final List<Output.Column> COLUMNS = Output.columns("STATUS", "status", "DAYS", "days");

    @Command(name = "retention", description = "The retention policy for untagged manifests (Premium).",
            subcommands = {ConfigCommands.Show.class, ConfigCommands.Update.class})
    static final class Retention {
    }

    static JsonNode policy(JsonNode registry) {
        return registry.path("policies").path("retentionPolicy");
    }

    @Command(name = "show", description = "Shows the retention policy.")
    static class Show extends Base {
        @Override
        public Integer call() {
            print(policy(api().get(Api.Service.REGISTRY, registryPath(""))), COLUMNS);
            return 0;
        }
    }

    @Command(name = "update", description = "Turns the retention policy on or off and sets its days (0-365).")
    static class Update extends Base {
        @Option(names = "--status", description = "enabled or disabled")
        String status;

        @Option(names = "--days", description = "0-365 (0: at the next collection)")
        Integer days;

        @Option(names = "--type", description = "UntaggedManifests (the only type)")
        String type = "UntaggedManifests";

        @Override
        public Integer call() {
            if (!type.equals("UntaggedManifests")) {
                throw new IllegalArgumentException("--type is UntaggedManifests");
            }
            Map<String, Object> retention = new LinkedHashMap<>();
            BuildCommand.putIfSet(retention, "status", status);
            BuildCommand.putIfSet(retention, "days", days);
            if (retention.isEmpty()) {
                throw new IllegalArgumentException("nothing to change: give --status or --days");
            }
            print(policy(api().patch(Api.Service.REGISTRY, registryPath(""), Map.of("policies",
                    Map.of("retentionPolicy", retention)))), COLUMNS);
            return 0;
        }
    }
}
