package dev.drydock.registry.domain;

import dev.drydock.registry.domain.DistributionPath.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DistributionPathTest {

    @ParameterizedTest
    @CsvSource({
        "/v2/,                                    BASE,      ,               ",
        "/v2,                                     BASE,      ,               ",
        "/v2/_catalog,                            CATALOG,   ,               ",
        "/v2/a/b/tags/list,                       TAGS,      a/b,            ",
        "/v2/a/manifests/latest,                  MANIFEST,  a,              latest",
        "/v2/a/blobs/sha256:ab,                   BLOB,      a,              sha256:ab",
        "/v2/a/blobs/sha256%3Aab,                 BLOB,      a,              sha256:ab",
        "/v2/a/blobs/uploads/,                    UPLOADS,   a,              ",
        "/v2/a/blobs/uploads,                     UPLOADS,   a,              ",
        "/v2/a/blobs/uploads/123,                 UPLOAD,    a,              123",
        "/v2/a/referrers/sha256:ab,               REFERRERS, a,              sha256:ab",
        "/v2/org/blobs/app/manifests/v1,          MANIFEST,  org/blobs/app,  v1",
        "/v2/org/manifests/x/blobs/sha256:ab,     BLOB,      org/manifests/x, sha256:ab",
        "/v2/a/blobs/uploads/blobs/sha256:ab,     BLOB,      a/blobs/uploads, sha256:ab",
    })
    void readsThePathFromItsEnd(String path, Kind kind, String name, String reference) {
        DistributionPath parsed = DistributionPath.parse(path).orElseThrow();
        assertEquals(kind, parsed.kind());
        assertEquals(name, parsed.name());
        assertEquals(reference, parsed.reference());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v2/nothing", "/v2/a/manifests/", "/v2/a/blobs/", "/v3/a/manifests/x", "/v2/a/manifests/x/y",
        "/v2x/a/manifests/b"})
    void rejectsPathsThatNameNothing(String path) {
        assertTrue(DistributionPath.parse(path).isEmpty(), path);
    }

    @Test
    void encodedSlashesInNamesStayInTheNameWhereTheGrammarRejectsThem() {
        assertEquals("a/../b", DistributionPath.parse("/v2/a%2F..%2Fb/tags/list").orElseThrow().name());
    }
}
