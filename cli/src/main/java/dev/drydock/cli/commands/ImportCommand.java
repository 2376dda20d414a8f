package dev.drydock.cli.commands;

import dev.drydock.cli.Api;
import dev.drydock.cli.Base;
import dev.drydock.cli.Output;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code drydock import} (az acr import): a server-side copy from another registry. */
@Command(name = "import", description = "Copies an image from another registry into this one, server side.")
public class ImportCommand extends Base {

    @Option(names = "--source", required = true, description = "registry/repository:tag or @digest; a Drydock "
            + "registry by its login server (read as the administrator without -u/-p); http:// for a plain-http one")
    String source;

    @Option(names = {"-t", "--image"}, description = "target repository:tag (several allowed; default: the source's)")
    List<String> targets = List.of();

    @Option(names = {"-u", "--username"})
    String username;

    @Option(names = {"-p", "--password"})
    String password;

    @Option(names = "--force", description = "move an existing tag to the imported content")
    boolean force;

    @Override
    public Integer call() {
        // http://host/repo:tag names an insecure registry explicitly; the scheme stays with the registry's address
        int scheme = source.indexOf("://");
        int slash = source.indexOf('/', scheme < 0 ? 0 : scheme + 3);
        if (slash < 0) {
            throw new IllegalArgumentException("--source is [http://]registry/repository:tag or @digest");
        }
        Map<String, Object> src = new LinkedHashMap<>();
        src.put("registryUri", source.substring(0, slash));
        src.put("sourceImage", source.substring(slash + 1));
        if (username != null) {
            src.put("credentials", Map.of("username", username, "password", password == null ? "" : password));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("source", src);
        if (!targets.isEmpty()) {
            body.put("targetTags", targets);
        }
        body.put("mode", force ? "Force" : "NoForce");
        print(api().post(Api.Service.REGISTRY, registryPath("/import"), body), Output.columns("DIGEST", "digest",
                "TARGETS", "targets", "BLOBS COPIED", "blobsCopied", "BYTES COPIED", "bytesCopied"));
        return 0;
    }
}
