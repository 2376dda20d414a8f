package dev.drydock.tasks.domain;

import dev.drydock.oci.ImageReference;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DockerfileTest {

    private static Dockerfile.Dependencies deps(String text, Map<String, String> args, String target) {
        return Dockerfile.parse(text, args).dependencies(target);
    }

    @Test
    void theFinalStagesOriginIsTheRuntimeDependencyAndTheOthersAreBuildTime() {
        Dockerfile.Dependencies d = deps("""
                # syntax=docker/dockerfile:1
                FROM golang:1.22 AS build
                RUN go build ./...
                FROM 127.0.0.1:8080/base/runtime:2 AS run
                COPY --from=build /out /app
                COPY --from=docker.io/library/busybox:1.36 /bin/sh /bin/sh
                """, Map.of(), null);
        assertEquals(new BaseImage("127.0.0.1:8080", "base/runtime", "2", null), d.runtime());
        assertEquals(List.of(new BaseImage(BaseImage.DOCKER_HUB, "library/golang", "1.22", null),
                new BaseImage(BaseImage.DOCKER_HUB, "library/busybox", "1.36", null)), d.buildTime());
    }

    @Test
    void argsBeforeFromAreSubstitutedAndBuildArgsOverrideThem() {
        String text = """
                ARG REGISTRY=registry.example:5000
                ARG VERSION="20"
                FROM ${REGISTRY}/node:$VERSION
                FROM ${MISSING:-alpine}:3.20 \\
                     AS final
                """;
        assertEquals(new BaseImage(BaseImage.DOCKER_HUB, "library/alpine", "3.20", null), deps(text, Map.of(), null).runtime());
        assertEquals(List.of(new BaseImage("registry.example:5000", "node", "20", null)),
                deps(text, Map.of(), null).buildTime());
        assertEquals(List.of(new BaseImage("r.example", "node", "22", null)),
                deps(text, Map.of("REGISTRY", "r.example", "VERSION", "22"), null).buildTime());
    }

    @Test
    void aTargetBecomesTheFinalStageAndAliasesAreFollowed() {
        String text = """
                FROM ubuntu:24.04 AS base
                FROM base AS dev
                FROM base AS prod
                FROM scratch
                COPY --from=prod / /
                """;
        assertEquals(new BaseImage(BaseImage.DOCKER_HUB, "library/ubuntu", "24.04", null),
                deps(text, Map.of(), "dev").runtime());
        assertEquals(List.of(), deps(text, Map.of(), "dev").buildTime());
        Dockerfile.Dependencies last = deps(text, Map.of(), null);
        assertNull(last.runtime(), "scratch is no dependency");
        assertEquals(List.of(new BaseImage(BaseImage.DOCKER_HUB, "library/ubuntu", "24.04", null)), last.buildTime());
        assertEquals(List.of(), deps(text, Map.of(), "0").buildTime());
    }

    @Test
    void digestsAndDefaultTags() {
        String digest = "sha256:" + "b".repeat(64);
        assertEquals(new BaseImage("ghcr.io", "org/app", null, digest),
                deps("FROM ghcr.io/org/app@" + digest + "\n", Map.of(), null).runtime());
        assertEquals(new BaseImage(BaseImage.DOCKER_HUB, "team/tool", "latest", null),
                deps("from --platform=linux/amd64 team/tool\n", Map.of(), null).runtime());
        assertEquals("registry.hub.docker.com/library/alpine:3", BaseImage.of(
                ImageReference.parse("docker.io/alpine:3")).reference());
    }

    @Test
    void unusableDockerfilesNameTheirLine() {
        InvalidDockerfileException none = assertThrows(InvalidDockerfileException.class,
                () -> Dockerfile.parse("# nothing\nRUN true\n", Map.of()));
        assertEquals(2, none.line());
        assertThrows(InvalidDockerfileException.class, () -> Dockerfile.parse("", Map.of()));
        InvalidDockerfileException empty = assertThrows(InvalidDockerfileException.class,
                () -> Dockerfile.parse("ARG IMAGE\n\nFROM $IMAGE\n", Map.of()));
        assertEquals(3, empty.line());
        assertThrows(InvalidDockerfileException.class, () -> Dockerfile.parse("FROM Bad:Name:x\n", Map.of()));
        assertThrows(InvalidDockerfileException.class, () -> Dockerfile.parse("FROM a b c d\n", Map.of()));
        assertThrows(InvalidDockerfileException.class,
                () -> Dockerfile.parse("FROM alpine\n", Map.of()).dependencies("nosuch"));
    }
}
