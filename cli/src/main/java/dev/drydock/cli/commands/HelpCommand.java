package dev.drydock.cli.commands;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code drydock help [command [subcommand ...]]}: the usage of any command of the tree (picocli's own help command
 * stops at the first level).
 */
@Command(name = "help", description = "Shows the usage of a command: drydock help container create.",
        helpCommand = true)
public class HelpCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "COMMAND", description = "the command and its subcommands")
    List<String> path = List.of();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine command = spec.root().commandLine();
        for (String name : path) {
            CommandLine next = command.getSubcommands().get(name);
            if (next == null) {
                spec.commandLine().getErr().println("ERROR: '" + String.join(" ", path) + "' is not a drydock "
                        + "command; 'drydock help' lists them");
                return 2;
            }
            command = next;
        }
        command.usage(spec.commandLine().getOut());
        return 0;
    }
}
