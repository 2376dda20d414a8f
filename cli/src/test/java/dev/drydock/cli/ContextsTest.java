package dev.drydock.cli;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ContextsTest {

    @TempDir
    Path context;

    @Test
    void theContextLeavesOutGitAndWhatDockerignoreNamesButKeepsTheDockerfile() throws Exception {
        Files.writeString(context.resolve("Dockerfile"), "FROM scratch\n");
        Files.writeString(context.resolve("app.sh"), "echo hi\n");
        Files.writeString(context.resolve("debug.log"), "noise\n");
        Files.createDirectories(context.resolve(".git")).resolve("HEAD").toFile().createNewFile();
        Files.createDirectories(context.resolve("node_modules/x")).resolve("index.js").toFile().createNewFile();
        Files.writeString(context.resolve(".dockerignore"), "*.log\nnode_modules\nDockerfile\n");
        Files.createSymbolicLink(context.resolve("link"), Path.of("app.sh"));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            Contexts.pack(context, tar, "Dockerfile");
        }
        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            TarArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                names.add(entry.getName() + (entry.isSymbolicLink() ? " -> " + entry.getLinkName()
                        : " " + Integer.toOctalString(entry.getMode() & 0777)));
            }
        }
        assertEquals(List.of(".dockerignore 644", "Dockerfile 644", "app.sh 644", "link -> app.sh"), names);
    }
}
