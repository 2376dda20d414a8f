package dev.drydock.oci.client;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoginServersTest {

    private final LoginServers servers = new LoginServers(URI.create("http://127.0.0.1:8080"), "drydock.localhost",
            List.of("mirror.internal:5000", "plain.example", "*.lab.example"));

    @Test
    void theDefaultRegistryIsTheServiceItselfAndOthersLiveUnderTheDomain() {
        assertEquals("127.0.0.1:8080", servers.of("default"));
        assertEquals("contoso1.drydock.localhost:8080", servers.of("Contoso1"));
        assertEquals("registry", new LoginServers(URI.create("https://registry"), "d", List.of()).of("default"));
    }

    @Test
    void hostsOfTheServiceAreRecognisedAndOthersAreNot() {
        assertTrue(servers.names("127.0.0.1:8080"));
        assertTrue(servers.names("LOCALHOST:8080"));
        assertTrue(servers.names("contoso1.drydock.localhost:8080"));
        assertFalse(servers.names("127.0.0.1:9090"));
        assertFalse(servers.names("docker.io"));
        assertFalse(servers.names(null));
        // as the API shows login servers, without a port
        assertTrue(servers.names("contoso1.drydock.localhost"));
        assertFalse(servers.names("contoso1.drydock.localhost:9090"), "another deployment on this machine");
        assertFalse(servers.names("localhost"));
    }

    @Test
    void drydockRegistriesGoByTheServicesSchemeInsecureOnesByHttpAndEveryOtherByHttps() {
        assertEquals("http", servers.schemeOf("contoso1.drydock.localhost"));
        assertEquals("https", new LoginServers(URI.create("https://registry:8443"), "drydock.example", List.of())
                .schemeOf("contoso1.drydock.example"));
        assertEquals("http", servers.schemeOf("mirror.internal:5000"));
        assertEquals("https", servers.schemeOf("mirror.internal:5001"), "an entry with a port names that port");
        assertEquals("http", servers.schemeOf("plain.example:8000"), "an entry without a port names every port");
        assertEquals("http", servers.schemeOf("ci.lab.example"));
        assertEquals("https", servers.schemeOf("lab.example.evil.com"));
        assertEquals("https", servers.schemeOf("docker.io"));
        assertEquals("http", servers.schemeOf("localhost:5000"));
        assertEquals(URI.create("http://contoso1.drydock.localhost"),
                RegistryClient.baseUri("contoso1.drydock.localhost", servers));
        assertEquals(URI.create("https://ghcr.io"), RegistryClient.baseUri("ghcr.io", servers));
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
