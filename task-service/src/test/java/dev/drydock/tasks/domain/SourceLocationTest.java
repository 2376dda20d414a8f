package dev.drydock.tasks.domain;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SourceLocationTest {

    @Test
    void readsGitUrlsWithBranchOrCommitAndFolder() {
        SourceLocation git = SourceLocation.parse("https://github.com/u/r.git#release/1.0:src/app");
        assertEquals(SourceLocation.Kind.GIT, git.kind());
        assertEquals("https://github.com/u/r.git", git.gitUrl());
        assertEquals("release/1.0", git.gitRef());
        assertEquals("src/app", git.folder());
        assertEquals("https://github.com/u/r.git#release/1.0:src/app", git.toString());
        assertTrue(SourceLocation.parse("git://host/r.git#0e1b7a8c:app").isCommit());
        assertEquals(SourceLocation.Kind.NONE, SourceLocation.parse("/dev/null").kind());
        assertEquals(SourceLocation.Kind.UPLOAD,
                SourceLocation.parse("0e1b7a8c-6f2a-4f8d-9f5c-8b7e6d9a0c1b").kind());
    }

    @Test
    void refusesLocalFilesOptionLikeRefsAndFoldersThatClimbOut() {
        assertThrows(IllegalArgumentException.class, () -> SourceLocation.parse("file:///etc/repo.git"));
        assertThrows(IllegalArgumentException.class, () -> SourceLocation.parse("https://h/r.git#--upload-pack=x"));
        assertThrows(IllegalArgumentException.class, () -> SourceLocation.parse("https://h/r.git#main:../.."));
        assertThrows(IllegalArgumentException.class, () -> SourceLocation.parse("../../etc"));
    }

    @Test
    void platformsAreLinuxOnly() {
        assertEquals("linux/arm/v7", Platform.parse("Linux/arm/v7").toString());
        assertEquals(Platform.DEFAULT, Platform.parse(null));
        assertThrows(IllegalArgumentException.class, () -> Platform.parse("windows/amd64"));
        assertThrows(IllegalArgumentException.class, () -> Platform.parse("linux/sparc"));
    }
}
