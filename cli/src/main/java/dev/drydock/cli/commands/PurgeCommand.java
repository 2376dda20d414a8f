package dev.drydock.cli.commands;

import dev.drydock.cli.Api;
import dev.drydock.cli.Base;
import dev.drydock.cli.Runs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code drydock purge} with acr purge's flags: a quick run of the built-in purge, followed to its end. */
@Command(name = "purge", description = "Deletes old tags and untagged manifests (acr purge), as a run in the task "
        + "service.")
public class PurgeCommand extends Base {

    @Option(names = "--filter", required = true, description = "<repository regex>:<tag regex>; repeatable")
    List<String> filters;

    @Option(names = "--ago", description = "e.g. 1d, 2d3h6m, 0d")
    String ago;

    @Option(names = "--keep", description = "the newest N tags per repository stay")
    Integer keep;

    @Option(names = "--untagged", description = "also delete untagged manifests")
    boolean untagged;

    @Option(names = "--untagged-only")
    boolean untaggedOnly;

    @Option(names = "--dry-run", description = "list what would be deleted")
    boolean dryRun;

    @Option(names = "--include-locked", description = "unlock, then delete")
    boolean includeLocked;

    @Option(names = "--concurrency")
    Integer concurrency;

    @Override
    public Integer call() {
        List<String> words = new ArrayList<>(List.of("acr", "purge"));
        filters.forEach(f -> words.addAll(List.of("--filter", quote(f))));
        if (ago != null) {
            words.addAll(List.of("--ago", ago));
        }
        if (keep != null) {
            words.addAll(List.of("--keep", keep.toString()));
        }
        if (concurrency != null) {
            words.addAll(List.of("--concurrency", concurrency.toString()));
        }
        Map<String, Boolean> flags = new LinkedHashMap<>();
        flags.put("--untagged", untagged);
        flags.put("--untagged-only", untaggedOnly);
        flags.put("--dry-run", dryRun);
        flags.put("--include-locked", includeLocked);
        flags.forEach((flag, on) -> {
            if (on) {
                words.add(flag);
            }
        });
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("cmd", String.join(" ", words));
        body.put("sourceLocation", "/dev/null");
        return Runs.queued(this, api().post(Api.Service.TASKS, registryPath("/runs"), body), false);
    }

    /** One shell-like word: filters hold regex characters the run's command-line splitter must keep together. */
    static String quote(String word) {
        return "'" + word.replace("'", "'\"'\"'") + "'";
    }
}
