package dev.drydock.oci.client;

import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoginServersTest {

    private final LoginServers servers = new LoginServers(URI.create("http://127.0.0.1:8080"), "drydock.localhost");

    @Test
    void theDefaultRegistryIsTheServiceItselfAndOthersLiveUnderTheDomain() {
        assertEquals("127.0.0.1:8080", servers.of("default"));
        assertEquals("contoso1.drydock.localhost:8080", servers.of("Contoso1"));
        assertEquals("registry", new LoginServers(URI.create("https://registry"), "d").of("default"));
    }

    @Test
    void hostsOfTheServiceAreRecognisedAndOthersAreNot() {
        assertTrue(servers.names("127.0.0.1:8080"));
        assertTrue(servers.names("LOCALHOST:8080"));
        assertTrue(servers.names("contoso1.drydock.localhost:8080"));
        assertFalse(servers.names("127.0.0.1:9090"));
        assertFalse(servers.names("docker.io"));
        assertFalse(servers.names(null));
    }

    @Test
    void requestsToLoginServersGoToTheServiceWithTheLoginServerAsHost() {
        java.net.http.HttpRequest routed = servers.request(URI.create(
                "http://contoso1.drydock.localhost:8080/v2/app/manifests/v1?x=1")).build();
        assertEquals(URI.create("http://127.0.0.1:8080/v2/app/manifests/v1?x=1"), routed.uri());
        assertEquals("contoso1.drydock.localhost:8080", routed.headers().firstValue("Host").orElseThrow());
        java.net.http.HttpRequest foreign = servers.request(URI.create("https://docker.io/v2/")).build();
        assertEquals(URI.create("https://docker.io/v2/"), foreign.uri());
        assertFalse(foreign.headers().firstValue("Host").isPresent());
    }
}
