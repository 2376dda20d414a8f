package dev.drydock.registry.domain;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CacheRuleTest {

    @Test
    void aStaticRuleCoversItsTargetOnly() {
        CacheRule rule = rule("docker.io/library/nginx", "nginx");
        assertEquals("library/nginx", rule.upstreamRepository("nginx"));
        assertNull(rule.upstreamRepository("nginx/sub"));
        assertNull(rule.upstreamRepository("nginx2"));
        assertEquals("docker.io", rule.sourceHost());
    }

    @Test
    void aWildcardMapsEverythingBelowItsPrefix() {
        CacheRule dotnet = rule("mcr.microsoft.com/dotnet/*", "dotnet/*");
        assertEquals("dotnet/runtime", dotnet.upstreamRepository("dotnet/runtime"));
        assertEquals("dotnet/sdk/nightly", dotnet.upstreamRepository("dotnet/sdk/nightly"));
        assertNull(dotnet.upstreamRepository("dotnet"));
        assertNull(dotnet.upstreamRepository("dotnetx/runtime"));

        CacheRule hub = rule("docker.io/*", "*");
        assertEquals("library/ubuntu", hub.upstreamRepository("ubuntu"), "Docker Hub's official images");
        assertEquals("grafana/grafana", hub.upstreamRepository("grafana/grafana"));
        assertEquals("team/app", rule("127.0.0.1:5000/*", "*").upstreamRepository("team/app"));
    }

    @Test
    void sourcesAreMadeCanonical() {
        assertEquals("docker.io/library/nginx", CacheRule.canonicalSource("rule1", "docker.io/nginx", "nginx"));
        assertEquals("docker.io/library/nginx",
                CacheRule.canonicalSource("rule1", "https://registry-1.docker.io/nginx", "nginx"));
        assertEquals("quay.io/coreos/etcd", CacheRule.canonicalSource("rule1", "Quay.io/coreos/etcd", "etcd"));
        assertEquals("127.0.0.1:5000/team/*", CacheRule.canonicalSource("rule1", "127.0.0.1:5000/team/*", "t/*"));
        assertThrows(IllegalArgumentException.class, () -> CacheRule.canonicalSource("rule1", "quay.io/a/*", "a"));
        assertThrows(IllegalArgumentException.class, () -> CacheRule.canonicalSource("rule1", "quay.io/a", "a/*"));
        assertThrows(IllegalArgumentException.class, () -> CacheRule.canonicalSource("rule1", "quay.io", "a"));
        assertThrows(IllegalArgumentException.class, () -> CacheRule.canonicalSource("rule1", "qu ay.io/a", "a"));
        assertThrows(IllegalArgumentException.class, () -> CacheRule.canonicalSource("rule1", "quay.io/../a", "a"));
        assertThrows(IllegalArgumentException.class, () -> CacheRule.canonicalSource("r", "quay.io/a", "a"));
    }

    @Test
    void wildcardsOverlapWhenOneContainsTheOther() {
        assertTrue(CacheRule.wildcardsOverlap("team/*", "team/*"));
        assertTrue(CacheRule.wildcardsOverlap("team/*", "team/sub/*"));
        assertTrue(CacheRule.wildcardsOverlap("*", "team/*"));
        assertFalse(CacheRule.wildcardsOverlap("team/*", "teams/*"));
        assertFalse(CacheRule.wildcardsOverlap("a/*", "b/*"));
    }

    private static CacheRule rule(String source, String target) {
        return new CacheRule(1, "rule1", source, target, null, null);
    }
}
