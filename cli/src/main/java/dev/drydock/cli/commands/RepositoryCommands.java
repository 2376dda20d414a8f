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
            RepositoryCommands.Delete.class, RepositoryCommands.Update.class, RepositoryCommands.ListDeleted.class,
            RepositoryCommands.Restore.class})
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

    /** An image as az names it: {@code repository:tag} or {@code repository@digest}. */
    record Image(String repository, String tag, String digest) {
        static Image parse(String image) {
            int at = image.indexOf('@');
            if (at > 0) {
                return new Image(image.substring(0, at), null, image.substring(at + 1));
            }
            int colon = image.lastIndexOf(':');
            if (colon > image.lastIndexOf('/')) {
                return new Image(image.substring(0, colon), image.substring(colon + 1), null);
            }
            return new Image(image, null, null);
        }

        boolean names() {
            return tag != null || digest != null;
        }

        /** The digest the image names: its own, or the one its tag points at in the registry at {@code host}. */
        String resolve(Base command, String host) {
            if (digest != null) {
                return digest;
            }
            return item(command.apiOf().getFrom(host, "/acr/v1/" + repository + "/_tags/" + Api.encode(tag)), "tag")
                    .path("digest").asText();
        }
    }

    /** The tag or manifest of an /acr/v1 answer, which wraps it beside the registry and image name. */
    static JsonNode item(JsonNode answer, String kind) {
        return answer.has(kind) ? answer.get(kind) : answer;
    }

    @Command(name = "show", description = "Shows a repository's attributes, or an image's (repository:tag, "
            + "repository@digest or --image).")
    static class Show extends Base {
        @Parameters(arity = "0..1", description = "repository, repository:tag or repository@digest")
        String repository;

        @Option(names = "--image", description = "repository:tag or repository@digest (az's spelling)")
        String image;

        @Option(names = "--repository")
        String repositoryOption;

        @Override
        public Integer call() {
            Image named = Image.parse(one(repository, repositoryOption, image));
            if (named.tag() != null) {
                JsonNode tag = api().getFrom(loginServer(), "/acr/v1/" + named.repository() + "/_tags/"
                        + Api.encode(named.tag()));
                print(item(tag, "tag"), TAGS);
            } else if (named.digest() != null) {
                JsonNode manifest = api().getFrom(loginServer(), "/acr/v1/" + named.repository() + "/_manifests/"
                        + named.digest());
                print(item(manifest, "manifest"), ManifestCommands.COLUMNS);
            } else {
                print(api().getFrom(loginServer(), "/acr/v1/" + named.repository()), Output.columns("REPOSITORY",
                        "imageName", "MANIFESTS", "manifestCount", "TAGS", "tagCount", "UPDATED", "lastUpdateTime",
                        "LOCKS", "changeableAttributes"));
            }
            return 0;
        }
    }

    /** The one of a positional and its az option spellings that was given. */
    static String one(String... given) {
        String found = null;
        for (String g : given) {
            if (g != null) {
                if (found != null) {
                    throw new IllegalArgumentException("name the repository or image once");
                }
                found = g;
            }
        }
        if (found == null) {
            throw new IllegalArgumentException("name a repository (or --image repository:tag)");
        }
        return found;
    }

    @Command(name = "show-tags", description = "Lists a repository's tags (--detail: digests, times, locks).")
    static class ShowTags extends Base {
        @Parameters
        String repository;

        @Option(names = "--orderby", description = "time_desc, time_asc")
        String orderby;

        @Option(names = "--top")
        Integer top;

        @Option(names = "--detail", description = "each tag's digest, times and locks, not only its name")
        boolean detail;

        @Override
        public Integer call() {
            String query = "?n=" + (top == null ? 10000 : top) + (orderby == null ? "" : "&orderby=" + Api.encode(orderby));
            JsonNode tags = api().getFrom(loginServer(), "/acr/v1/" + repository + "/_tags" + query).path("tags");
            if (detail) {
                print(tags, TAGS);
            } else {
                // az prints the names alone
                ArrayNode names = Api.JSON.createArrayNode();
                tags.forEach(t -> names.add(t.path("name").asText()));
                print(rows() ? nameRows(names) : names, Output.columns("TAG", "name"));
            }
            return 0;
        }

        private static JsonNode nameRows(ArrayNode names) {
            ArrayNode rows = Api.JSON.createArrayNode();
            names.forEach(n -> rows.addObject().put("name", n.asText()));
            return rows;
        }
    }

    @Command(name = "delete", description = "Deletes a repository, or an image (--image repository:tag: its "
            + "manifest and every tag on it, as az does), or untags (--tag), or a manifest (--manifest).")
    static class Delete extends Base {
        @Parameters(arity = "0..1")
        String repository;

        @Option(names = "--repository")
        String repositoryOption;

        @Option(names = "--image", description = "repository:tag or repository@digest: the manifest and all its tags")
        String image;

        @Option(names = "--tag", description = "untag only: the manifest stays")
        String tag;

        @Option(names = "--manifest", description = "a manifest by digest, with its tags")
        String manifest;

        @Option(names = {"-y", "--yes"}, required = true, description = "confirms the deletion")
        boolean yes;

        @Override
        public Integer call() {
            String host = loginServer();
            Image named = Image.parse(one(repository, repositoryOption, image));
            if (image != null && !named.names()) {
                throw new IllegalArgumentException("--image is repository:tag or repository@digest");
            }
            String repo = named.repository();
            if (named.names()) {
                String digest = named.resolve(this, host);
                JsonNode tags = item(api().getFrom(host, "/acr/v1/" + repo + "/_manifests/" + digest), "manifest")
                        .path("tags");
                api().deleteAt(host, "/v2/" + repo + "/manifests/" + digest);
                StringBuilder gone = new StringBuilder();
                tags.forEach(t -> gone.append(gone.length() == 0 ? "" : ", ").append(repo).append(':').append(t.asText()));
                System.err.println("deleted manifest " + digest + (gone.length() == 0 ? "" : " and the images " + gone));
            } else if (tag != null) {
                api().deleteAt(host, "/acr/v1/" + repo + "/_tags/" + Api.encode(tag));
            } else if (manifest != null) {
                api().deleteAt(host, "/v2/" + repo + "/manifests/" + manifest);
            } else {
                JsonNode deleted = api().deleteAt(host, "/acr/v1/" + repo);
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

    @Command(name = "list-deleted", description = "Lists the repositories deleted as a whole that soft delete kept.")
    static class ListDeleted extends Base {
        @Override
        public Integer call() {
            ArrayNode rows = Api.JSON.createArrayNode();
            api().getFrom(loginServer(), "/acr/v1/_deleted/_catalog").path("repositories")
                    .forEach(name -> rows.addObject().put("name", name.asText()));
            print(rows, Output.columns("REPOSITORY", "name"));
            return 0;
        }
    }

    @Command(name = "restore", description = "Restores a repository deleted as a whole: its manifests and tags.")
    static class Restore extends Base {
        @Parameters
        String repository;

        @Override
        public Integer call() {
            print(api().postAt(loginServer(), "/acr/v1/" + repository + "/_deleted/_restore", Map.of())
                    .path("restored"), Output.columns("DIGEST", "digest", "TAG", "tag"));
            return 0;
        }
    }
}
