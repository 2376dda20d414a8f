package dev.drydock.cli;

import dev.drydock.cli.commands.BuildCommand;
import dev.drydock.cli.commands.CacheCommands;
import dev.drydock.cli.commands.CheckHealthCommand;
import dev.drydock.cli.commands.CompletionCommand;
import dev.drydock.cli.commands.ConfigCommands;
import dev.drydock.cli.commands.ContainerCommands;
import dev.drydock.cli.commands.CredentialCommands;
import dev.drydock.cli.commands.CredentialSetCommands;
import dev.drydock.cli.commands.HelpCommand;
import dev.drydock.cli.commands.ImportCommand;
import dev.drydock.cli.commands.LoginCommands;
import dev.drydock.cli.commands.ManifestCommands;
import dev.drydock.cli.commands.PurgeCommand;
import dev.drydock.cli.commands.RegistryCommands;
import dev.drydock.cli.commands.ReplicationCommands;
import dev.drydock.cli.commands.RepositoryCommands;
import dev.drydock.cli.commands.RunCommand;
import dev.drydock.cli.commands.ScopeMapCommands;
import dev.drydock.cli.commands.TaskCommands;
import dev.drydock.cli.commands.TokenCommands;
import dev.drydock.cli.commands.WebhookCommands;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code drydock}: the az acr / az container experience for Drydock. Exit codes: 0 done, 1 the service refused or
 * failed, 2 wrong usage, 3 a build, run or container group ended unsuccessfully, 4 not found, 5 not logged in or not
 * allowed, 6 a service cannot be reached, 130 interrupted.
 */
@Command(name = "drydock", mixinStandardHelpOptions = true, version = "drydock 0.1.0", scope = ScopeType.INHERIT,
        description = "Registries, builds and container groups on your own machines.",
        subcommands = {LoginCommands.Login.class, LoginCommands.Logout.class, RegistryCommands.class,
            RepositoryCommands.class, ManifestCommands.class, ImportCommand.class, TokenCommands.class,
            ScopeMapCommands.class, BuildCommand.class, RunCommand.class, TaskCommands.class, PurgeCommand.class,
            ContainerCommands.class, WebhookCommands.class, CacheCommands.class, CredentialSetCommands.class,
            CredentialCommands.class, ConfigCommands.class, ReplicationCommands.class,
            RegistryCommands.ShowUsage.class, CheckHealthCommand.class, CompletionCommand.class, HelpCommand.class})
public class Drydock {

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, description = "table (default), json, yaml or tsv")
    Output.Format output = Output.Format.table;

    @Option(names = {"-r", "-n", "--registry"}, scope = ScopeType.INHERIT,
            description = "the registry (az acr -n); default: the profile's, else 'default'")
    String registry;

    public static final int EXIT_UNSUCCESSFUL = 3;

    public static void main(String[] args) {
        // the registry service picks a registry by the Host header, which Java's HTTP client guards by default
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine line = new CommandLine(new Drydock());
        line.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof ApiException api) {
                command.getErr().println("ERROR: " + api.getMessage());
                return api.exitCode();
            }
            if (e instanceof java.io.IOException || e instanceof IllegalArgumentException
                    || e instanceof java.io.UncheckedIOException) {
                command.getErr().println("ERROR: " + e.getMessage());
                return Api.EXIT_FAILED;
            }
            command.getErr().println("ERROR: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return Api.EXIT_FAILED;
        });
        return line;
    }
}
