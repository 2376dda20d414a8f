package dev.drydock.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drydock.cli.Api;
import dev.drydock.cli.Base;
import dev.drydock.cli.Output;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code drydock manifest list-metadata|list-referrers|list-deleted|list-deleted-tags|restore} (az acr manifest ...). */
@Command(name = "manifest", description = "Manifests of a repository.",
        subcommands = {ManifestCommands.ListMetadata.class, ManifestCommands.ListReferrers.class,
            ManifestCommands.ListDeleted.class, ManifestCommands.ListDeletedTags.class, ManifestCommands.Restore.class})
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

    @Command(name = "list-deleted", description = "Lists a repository's soft-deleted manifests.")
    static class ListDeleted extends Base {
        @Parameters
        String repository;

        @Override
        public Integer call() {
            print(api().getFrom(loginServer(), "/acr/v1/" + repository + "/_deleted/_manifests").path("manifests"),
                    Output.columns("DIGEST", "digest", "MEDIA TYPE", "mediaType", "DELETED", "deletedTime"));
            return 0;
        }
    }

    @Command(name = "list-deleted-tags", description = "Lists a repository's soft-deleted tags, newest first: "
            + "repository or repository:tag.")
    static class ListDeletedTags extends Base {
        @Parameters(description = "repository or repository:tag")
        String image;

        @Override
        public Integer call() {
            RepositoryCommands.Image named = RepositoryCommands.Image.parse(image);
            String query = named.tag() == null ? "" : "?tag=" + Api.encode(named.tag());
            print(api().getFrom(loginServer(), "/acr/v1/" + named.repository() + "/_deleted/_tags" + query)
                    .path("tags"), Output.columns("TAG", "name", "DIGEST", "digest", "DELETED", "deletedTime"));
            return 0;
        }
    }

    @Command(name = "restore", description = "Restores a soft-deleted manifest with one tag: repository:tag (the "
            + "manifest that tag named when it was deleted last) or with --digest.")
    static class Restore extends Base {
        @Parameters(description = "repository:tag")
        String image;

        @Option(names = {"-d", "--digest"}, description = "the manifest to restore under the tag")
        String digest;

        @Option(names = {"-f", "--force"}, description = "move the tag if it names another manifest now (that tag "
                + "is soft-deleted in turn)")
        boolean force;

        @Override
        public Integer call() {
            RepositoryCommands.Image named = RepositoryCommands.Image.parse(image);
            if (named.tag() == null) {
                throw new IllegalArgumentException("name the tag to restore: repository:tag");
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("tag", named.tag());
            BuildCommand.putIfSet(body, "digest", digest);
            if (force) {
                body.put("force", true);
            }
            print(api().postAt(loginServer(), "/acr/v1/" + named.repository() + "/_deleted/_restore", body)
                    .path("restored"), Output.columns("DIGEST", "digest", "TAG", "tag"));
            return 0;
        }
    }
}
