package dev.drydock.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DockerIgnoreTest {

    private final DockerIgnore ignore = DockerIgnore.parse(List.of(
            "# build output",
            "node_modules",
            "*.log",
            "**/*.tmp",
            "docs/?.md",
            "secrets/",
            "!secrets/public.pem",
            "/build/*",
            "!build/keep"));

    @Test
    void patternsMatchAsDockerBuildReadsThem() {
        assertTrue(ignore.excludes("node_modules"));
        assertTrue(ignore.excludes("node_modules/left-pad/index.js"), "a parent directory that matches takes its files");
        assertTrue(ignore.excludes("debug.log"));
        assertFalse(ignore.excludes("logs/debug.log"), "* does not cross directories");
        assertTrue(ignore.excludes("a/b/c/x.tmp"), "** crosses any number of them");
        assertTrue(ignore.excludes("x.tmp"));
        assertTrue(ignore.excludes("docs/a.md"));
        assertFalse(ignore.excludes("docs/ab.md"));
        assertTrue(ignore.excludes("secrets/private.key"));
        assertFalse(ignore.excludes("secrets/public.pem"), "the last matching pattern decides: an exception");
        assertTrue(ignore.excludes("build/out.o"));
        assertFalse(ignore.excludes("build/keep"));
        assertFalse(ignore.excludes("src/main.go"));
    }

    @Test
    void noFileExcludesNothing() {
        assertFalse(DockerIgnore.parse(List.of()).excludes("anything/at/all"));
    }
}
