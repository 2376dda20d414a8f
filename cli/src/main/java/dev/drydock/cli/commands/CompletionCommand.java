package dev.drydock.cli.commands;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code drydock completion}: the bash/zsh completion script, for {@code source <(drydock completion)}. */
@Command(name = "completion", description = "Prints the bash (and zsh) completion script: source <(drydock completion)")
public class CompletionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        System.out.print(AutoComplete.bash("drydock", spec.root().commandLine()));
        return 0;
    }
}
