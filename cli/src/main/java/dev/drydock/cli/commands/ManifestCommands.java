package dev.drydock.cli.commands;

import dev.drydock.cli.Base;
import dev.drydock.cli.Output;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code drydock manifest list-metadata} (az acr manifest list-metadata). */
@Command(name = "manifest", description = "Manifests of a repository.",
        subcommands = {ManifestCommands.ListMetadata.class})
public final class ManifestCommands {

    @Command(name = "list-metadata", description = "Lists a repository's manifests with their tags, size and platform.")
    static class ListMetadata extends Base {
        @Parameters
        String repository;

        @Option(names = "--orderby", description = "time_desc, time_asc")
        String orderby;

        @Override
        public Integer call() {
            String query = "?n=10000" + (orderby == null ? "" : "&orderby=" + orderby);
            print(api().getFrom(loginServer(), "/acr/v1/" + repository + "/_manifests" + query).path("manifests"),
                    Output.columns("DIGEST", "digest", "TAGS", "tags", "SIZE", "imageSize", "OS", "os",
                            "ARCH", "architecture", "UPDATED", "lastUpdateTime"));
            return 0;
        }
    }
}
