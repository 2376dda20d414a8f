package dev.drydock.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole command tree answers --help, -h and help the same way, without a service to talk to. */
class CommandTreeTest {

    private record Ran(int exit, String out, String err) {
    }

    private static Ran run(String... args) {
        CommandLine line = Drydock.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        line.setOut(new PrintWriter(out));
        line.setErr(new PrintWriter(err));
        int exit = line.execute(args);
        return new Ran(exit, out.toString(), err.toString());
    }

    private static void walk(CommandLine command, List<String> path, List<List<String>> all) {
        all.add(path);
        command.getSubcommands().forEach((name, sub) -> {
            // aliases are keys too: each command once, by its name
            if (sub.getCommandName().equals(name)) {
                List<String> next = new ArrayList<>(path);
                next.add(name);
                walk(sub, next, all);
            }
        });
    }

    @Test
    void everyCommandAndSubcommandAnswersHelpWithItsUsage() {
        List<List<String>> commands = new ArrayList<>();
        walk(Drydock.commandLine(), List.of(), commands);
        assertTrue(commands.size() > 50, "the tree has " + commands.size() + " commands");
        for (List<String> path : commands) {
            for (String flag : new String[] {"--help", "-h"}) {
                List<String> args = new ArrayList<>(path);
                args.add(flag);
                Ran ran = run(args.toArray(String[]::new));
                String shown = "drydock " + String.join(" ", args);
                assertEquals(0, ran.exit(), shown + ": " + ran);
                assertTrue(ran.out().startsWith("Usage: drydock" + (path.isEmpty() ? "" : " " + String.join(" ", path))),
                        shown + ": " + ran.out());
            }
            List<String> help = new ArrayList<>(List.of("help"));
            help.addAll(path);
            Ran ran = run(help.toArray(String[]::new));
            assertEquals(0, ran.exit(), "drydock " + String.join(" ", help) + ": " + ran);
            assertTrue(ran.out().startsWith("Usage: drydock"), ran.out());
        }
    }

    @Test
    void helpForACommandThatDoesNotExistSaysSo() {
        Ran ran = run("help", "registry", "nope");
        assertEquals(2, ran.exit());
        assertTrue(ran.err().contains("'registry nope' is not a drydock command"), ran.err());
    }

    @Test
    void globalOptionsAreAcceptedBeforeTheSubcommandAndAfterIt() {
        for (String[] args : new String[][] {{"-o", "json", "registry", "list", "--help"},
            {"registry", "-o", "json", "list", "--help"}, {"registry", "list", "-o", "json", "--help"},
            {"-n", "other", "repository", "list", "--help"}}) {
            assertEquals(0, run(args).exit(), String.join(" ", args));
        }
        Ran wrong = run("-o", "xml", "registry", "list");
        assertEquals(2, wrong.exit());
        assertTrue(wrong.err().contains("xml"), wrong.err());
    }
}
