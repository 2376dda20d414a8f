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

/** {@code drydock config retention|soft-delete show|update} (az acr config retention|soft-delete ...). */
@Command(name = "config", description = "Registry policies.",
        subcommands = {ConfigCommands.Retention.class, ConfigCommands.SoftDelete.class})
public final class ConfigCommands {

    static final List<Output.Column> COLUMNS = Output.columns("STATUS", "status", "DAYS", "days");
    static final List<Output.Column> SOFT_DELETE_COLUMNS = Output.columns("STATUS", "status", "DAYS",
            "retentionDays", "UPDATED", "lastUpdatedTime");

    /** A command on one of the registry's {@code policies}: shows it, or patches it and shows the result. */
    abstract static class PolicyCommand extends Base {
        private final String policy;
        private final List<Output.Column> columns;

        PolicyCommand(String policy, List<Output.Column> columns) {
            this.policy = policy;
            this.columns = columns;
        }

        Integer show() {
            print(api().get(Api.Service.REGISTRY, registryPath("")).path("policies").path(policy), columns);
            return 0;
        }

        Integer update(Map<String, Object> change) {
            if (change.isEmpty()) {
                throw new IllegalArgumentException("nothing to change: give --status or --days");
            }
            JsonNode registry = api().patch(Api.Service.REGISTRY, registryPath(""),
                    Map.of("policies", Map.of(policy, change)));
            print(registry.path("policies").path(policy), columns);
            return 0;
        }
    }

    @Command(name = "retention", description = "The retention policy for untagged manifests (Premium).",
            subcommands = {ConfigCommands.Show.class, ConfigCommands.Update.class})
    static final class Retention {
    }

    @Command(name = "show", description = "Shows the retention policy.")
    static class Show extends PolicyCommand {
        Show() {
            super("retentionPolicy", COLUMNS);
        }

        @Override
        public Integer call() {
            return show();
        }
    }

    @Command(name = "update", description = "Turns the retention policy on or off and sets its days (0-365).")
    static class Update extends PolicyCommand {
        @Option(names = "--status", description = "enabled or disabled")
        String status;

        @Option(names = "--days", description = "0-365 (0: at the next collection)")
        Integer days;

        @Option(names = "--type", description = "UntaggedManifests (the only type)")
        String type = "UntaggedManifests";

        Update() {
            super("retentionPolicy", COLUMNS);
        }

        @Override
        public Integer call() {
            if (!type.equals("UntaggedManifests")) {
                throw new IllegalArgumentException("--type is UntaggedManifests");
            }
            Map<String, Object> retention = new LinkedHashMap<>();
            BuildCommand.putIfSet(retention, "status", status);
            BuildCommand.putIfSet(retention, "days", days);
            return update(retention);
        }
    }

    @Command(name = "soft-delete", description = "Soft delete: deleted manifests and tags kept restorable for 1-90 "
            + "days (Standard and Premium).", subcommands = {ConfigCommands.SoftDeleteShow.class,
            ConfigCommands.SoftDeleteUpdate.class})
    static final class SoftDelete {
    }

    @Command(name = "show", description = "Shows the soft-delete policy.")
    static class SoftDeleteShow extends PolicyCommand {
        SoftDeleteShow() {
            super("softDeletePolicy", SOFT_DELETE_COLUMNS);
        }

        @Override
        public Integer call() {
            return show();
        }
    }

    @Command(name = "update", description = "Turns soft delete on or off and sets its days (1-90).")
    static class SoftDeleteUpdate extends PolicyCommand {
        @Option(names = "--status", description = "enabled or disabled")
        String status;

        @Option(names = "--days", description = "1-90: how long deleted content stays restorable")
        Integer days;

        SoftDeleteUpdate() {
            super("softDeletePolicy", SOFT_DELETE_COLUMNS);
        }

        @Override
        public Integer call() {
            Map<String, Object> policy = new LinkedHashMap<>();
            BuildCommand.putIfSet(policy, "status", status);
            BuildCommand.putIfSet(policy, "retentionDays", days);
            return update(policy);
        }
    }
}
