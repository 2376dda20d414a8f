package dev.drydock.cli.commands;

import dev.drydock.cli.Api;
import dev.drydock.cli.Base;
import dev.drydock.cli.Output;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code drydock replication create|list|show|update|delete|status|sync} (az acr replication ...): a Premium
 * registry's replicas in other sites. Changes are made on the registry's home site.
 */
@Command(name = "replication", description = "Geo-replication: a Premium registry's replicas in other sites.",
        subcommands = {ReplicationCommands.Create.class, ReplicationCommands.ListAll.class,
            ReplicationCommands.Show.class, ReplicationCommands.Update.class, ReplicationCommands.Delete.class,
            ReplicationCommands.Status.class, ReplicationCommands.Sync.class})
public final class ReplicationCommands {

    static final List<Output.Column> COLUMNS = Output.columns("NAME", "name", "LOCATION", "location",
            "PROVISIONING", "properties.provisioningState", "STATUS", "properties.status.displayStatus",
            "REGION ENDPOINT", "properties.regionEndpointEnabled", "MESSAGE", "properties.status.message");

    static String path(Base command, String location) {
        return command.pathOf("/replications" + (location == null ? "" : "/" + Api.encode(location)));
    }

    /** The replica's site, as az names it: -l (-n names the registry here). */
    abstract static class Located extends Base {
        @Option(names = {"-l", "--location"}, required = true,
                description = "the site (its configured name, e.g. east)")
        String location;
    }

    @Command(name = "create", description = "Replicates the registry to another site (Premium only).")
    static class Create extends Located {
        @Option(names = "--region-endpoint-enabled", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "whether clients are routed to this replica (default: true)")
        boolean regionEndpointEnabled;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("location", location);
            body.put("regionEndpointEnabled", regionEndpointEnabled);
            print(api().post(Api.Service.REGISTRY, path(this, null), body), COLUMNS);
            return 0;
        }
    }

    @Command(name = "list", description = "Lists the registry's replications.")
    static class ListAll extends Base {
        @Override
        public Integer call() {
            print(api().get(Api.Service.REGISTRY, path(this, null)).path("value"), COLUMNS);
            return 0;
        }
    }

    @Command(name = "show", description = "Shows a replication.")
    static class Show extends Located {
        @Override
        public Integer call() {
            print(api().get(Api.Service.REGISTRY, path(this, location)), COLUMNS);
            return 0;
        }
    }

    @Command(name = "update", description = "Turns a replica's region endpoint on or off.")
    static class Update extends Located {
        @Option(names = "--region-endpoint-enabled", required = true, arity = "1",
                description = "true or false")
        boolean regionEndpointEnabled;

        @Override
        public Integer call() {
            print(api().patch(Api.Service.REGISTRY, path(this, location),
                    Map.of("regionEndpointEnabled", regionEndpointEnabled)), COLUMNS);
            return 0;
        }
    }

    @Command(name = "delete", description = "Removes the replica in that site, with its content there.")
    static class Delete extends Located {
        @Option(names = {"-y", "--yes"}, description = "no prompt (accepted as every delete accepts it)")
        boolean yes;

        @Override
        public Integer call() {
            api().delete(Api.Service.REGISTRY, path(this, location));
            System.err.println("replication " + location + " is being deleted");
            return 0;
        }
    }

    @Command(name = "status", description = "What the site has waiting and has applied, per repository, with the lag.")
    static class Status extends Located {
        @Override
        public Integer call() {
            print(api().get(Api.Service.REGISTRY, path(this, location) + "/status").path("repositories"),
                    Output.columns("FROM", "peer", "REPOSITORY", "repository", "PENDING", "pending", "APPLIED",
                            "applied", "LAST", "lastAppliedAt", "LAG (S)", "lagSeconds", "ERROR", "lastError"));
            return 0;
        }
    }

    @Command(name = "sync", description = "Compares this site's copy with the site's and copies what is missing here "
            + "(after an outage longer than the events are kept).")
    static class Sync extends Located {
        @Override
        public Integer call() {
            print(api().post(Api.Service.REGISTRY, path(this, location) + "/sync", Map.of()),
                    Output.columns("FROM", "peer", "COMPARED", "compared", "QUEUED", "queued"));
            return 0;
        }
    }
}
