package dev.drydock.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.drydock.cli.Api;
import dev.drydock.cli.Base;
import dev.drydock.cli.Output;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code drydock repository list|show|show-tags|delete|update} (az acr repository ...). */
@Command(name = "repository", description = "Repositories of a registry, their tags and locks.",
        subcommands = {RepositoryCommands.ListAll.class, RepositoryCommands.Show.class, RepositoryCommands.ShowTags.class,
            RepositoryCommands.Delete.class, RepositoryCommands.Update.class})
public final class RepositoryCommands {

    static final java.util.List<Output.Column> TAGS = Output.columns("TAG", "name", "DIGEST", "digest",
            "UPDATED", "lastUpdateTime", "WRITE", "changeableAttributes.writeEnabled", "DELETE",
            "changeableAttributes.deleteEnabled");

    @Command(name = "list", description = "Lists the repositories.")
    static class ListAll extends Base {
        @Override
        public Integer call() {
            ArrayNode rows = Api.JSON.createArrayNode();
            api().getFrom(loginServer(), "/acr/v1/_catalog?n=10000").path("repositories")
                    .forEach(name -> rows.addObject().put("name", name.asText()));
            print(rows, Output.columns("REPOSITORY", "name"));
            return 0;
        }
    }

    @Command(name = "show", description = "Shows a repository's attributes.")
    static class Show extends Base {
        @Parameters
        String repository;

        @Override
        public Integer call() {
            print(api().getFrom(loginServer(), "/acr/v1/" + repository), Output.columns("REPOSITORY", "imageName",
                    "MANIFESTS", "manifestCount", "TAGS", "tagCount", "UPDATED", "lastUpdateTime", "LOCKS",
                    "changeableAttributes"));
            return 0;
        }
    }

    @Command(name = "show-tags", description = "Lists a repository's tags.")
    static class ShowTags extends Base {
        @Parameters
        String repository;

        @Option(names = "--orderby", description = "time_desc, time_asc")
        String orderby;

        @Option(names = "--top")
        Integer top;

        @Override
        public Integer call() {
            String query = "?n=" + (top == null ? 10000 : top) + (orderby == null ? "" : "&orderby=" + Api.encode(orderby));
            print(api().getFrom(loginServer(), "/acr/v1/" + repository + "/_tags" + query).path("tags"), TAGS);
            return 0;
        }
    }

    @Command(name = "delete", description = "Deletes a repository, or one tag (--tag) or manifest (--manifest).")
    static class Delete extends Base {
        @Parameters
        String repository;

        @Option(names = "--tag", description = "untag only: the manifest stays")
        String tag;

        @Option(names = "--manifest", description = "a manifest by digest, with its tags")
        String manifest;

        @Option(names = {"-y", "--yes"}, required = true, description = "confirms the deletion")
        boolean yes;

        @Override
        public Integer call() {
            String host = loginServer();
            if (tag != null) {
                api().deleteAt(host, "/acr/v1/" + repository + "/_tags/" + Api.encode(tag));
            } else if (manifest != null) {
                api().deleteAt(host, "/v2/" + repository + "/manifests/" + manifest);
            } else {
                JsonNode deleted = api().deleteAt(host, "/acr/v1/" + repository);
                print(deleted, Output.columns("MANIFESTS DELETED", "manifestsDeleted", "TAGS DELETED", "tagsDeleted"));
            }
            return 0;
        }
    }

    /** The locks to set: only those given change. */
    static class Locks {
        @Option(names = "--write-enabled", arity = "1")
        Boolean write;
        @Option(names = "--delete-enabled", arity = "1")
        Boolean delete;
        @Option(names = "--list-enabled", arity = "1")
        Boolean list;
        @Option(names = "--read-enabled", arity = "1")
        Boolean read;

        Map<String, Object> body() {
            Map<String, Object> body = new LinkedHashMap<>();
            if (write != null) {
                body.put("writeEnabled", write);
            }
            if (delete != null) {
                body.put("deleteEnabled", delete);
            }
            if (list != null) {
                body.put("listEnabled", list);
            }
            if (read != null) {
                body.put("readEnabled", read);
            }
            return body;
        }
    }

    @Command(name = "update", description = "Locks or unlocks a repository, a tag (--tag) or a manifest (--manifest).")
    static class Update extends Base {
        @Parameters
        String repository;

        @Option(names = "--tag")
        String tag;

        @Option(names = "--manifest")
        String manifest;

        @ArgGroup(exclusive = false, multiplicity = "1")
        Locks locks;

        @Override
        public Integer call() {
            String path = "/acr/v1/" + repository + (tag != null ? "/_tags/" + Api.encode(tag)
                    : manifest != null ? "/_manifests/" + manifest : "");
            JsonNode answer = api().patchAt(loginServer(), path, locks.body());
            JsonNode item = answer.has("tag") ? answer.get("tag") : answer.has("manifest") ? answer.get("manifest")
                    : answer;
            print(item, Output.columns("NAME", tag != null ? "name" : manifest != null ? "digest" : "imageName",
                    "LOCKS", "changeableAttributes"));
            return 0;
        }
    }
}
