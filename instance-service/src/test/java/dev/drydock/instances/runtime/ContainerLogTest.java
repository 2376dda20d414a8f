package dev.drydock.instances.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContainerLogTest {

    @TempDir
    Path temp;

    @Test
    void theLogStaysWithinItsCapAndKeepsTheNewestLines() throws Exception {
        ContainerLog log = new ContainerLog(temp.resolve("c.log"), 4096);
        for (int i = 0; i < 1000; i++) {
            log.line(ContainerRuntime.Stream.STDOUT, "line " + i);
        }
        long kept = Files.size(temp.resolve("c.log")) + Files.size(temp.resolve("c.log.1"));
        assertTrue(kept <= 4096, kept + " bytes kept");
        List<ContainerLog.Line> lines = log.lines(-1);
        assertEquals("line 999", lines.get(lines.size() - 1).text());
        assertTrue(lines.size() > 20, "about half the cap and more stays: " + lines.size());
        assertEquals(List.of("line 998", "line 999"), log.lines(2).stream().map(ContainerLog.Line::text).toList());
    }

    @Test
    void aFollowerGetsTheTailThenEachLineUntilTheRunEnds() throws Exception {
        ContainerLog log = new ContainerLog(temp.resolve("f.log"), 1 << 20);
        log.started();
        log.line(ContainerRuntime.Stream.STDOUT, "before");
        List<String> heard = new ArrayList<>();
        boolean[] ended = new boolean[1];
        log.follow(1, ContainerLog.of(line -> heard.add(line.stream() + " " + line.text()), () -> ended[0] = true));
        log.line(ContainerRuntime.Stream.STDERR, "after");
        assertEquals(List.of("STDOUT before", "STDERR after"), heard);
        log.ended();
        assertTrue(ended[0]);
        log.line(ContainerRuntime.Stream.STDOUT, "next run");
        assertEquals(2, heard.size(), "a follower is done when the run ends");
        boolean[] at = new boolean[1];
        log.follow(0, ContainerLog.of(line -> { }, () -> at[0] = true));
        assertTrue(at[0], "following a container that does not run ends at once");
    }
}
