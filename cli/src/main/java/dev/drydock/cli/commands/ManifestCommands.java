package dev.drydock.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drydock.cli.Api;
import dev.drydock.cli.Base;
import dev.drydock.cli.Output;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

/** {@code drydock manifest list-metadata|list-referrers} (az acr manifest ...). */
@Command(name = "manifest", description = "Manifests of a repository.",
        subcommands = {ManifestCommands.ListMetadata.class, ManifestCommands.ListReferrers.class})
public final class ManifestCommands {

    static final List<Output.Column> COLUMNS = Output.columns("DIGEST", "digest", "TAGS", "tags", "SIZE",
            "imageSize", "OS", "os", "ARCH", "architecture", "UPDATED", "lastUpdateTime");

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
                    COLUMNS);
            return 0;
        }
    }

    @Command(name = "list-referrers", description = "Lists the artifacts that refer to an image (signatures, SBOMs):"
            + " repository:tag or repository@digest.")
    static class ListReferrers extends Base {
        @Parameters(description = "repository:tag or repository@digest")
        String image;

        @Option(names = "--artifact-type", description = "only referrers of this artifact type")
        String artifactType;

        @Override
        public Integer call() {
            RepositoryCommands.Image named = RepositoryCommands.Image.parse(image);
            if (!named.names()) {
                throw new IllegalArgumentException("name the image as repository:tag or repository@digest");
            }
            String host = loginServer();
            String digest = named.resolve(this, host);
            JsonNode index = api().getFrom(host, "/v2/" + named.repository() + "/referrers/" + digest
                    + (artifactType == null ? "" : "?artifactType=" + Api.encode(artifactType)));
            print(rows() ? index.path("manifests") : index, Output.columns("DIGEST", "digest", "ARTIFACT TYPE",
                    "artifactType", "SIZE", "size", "MEDIA TYPE", "mediaType"));
            return 0;
        }
    }
}
