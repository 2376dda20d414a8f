package dev.drydock.oci.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drydock.oci.Digest;
import dev.drydock.oci.MediaTypes;
import dev.drydock.oci.RepositoryName;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small, blocking OCI Distribution client for pulling: manifests and blobs, with the registry token flow (a 401
 * challenge names a Bearer realm, which gives a token for Basic credentials or anonymously) or plain Basic auth.
 * Manifests are verified against the digest asked for; blobs are streamed and verified by the caller as they are
 * stored. Shared by import (registry) and image pulls (instance-service).
 */
public class RegistryClient {

    /** What a manifest fetch returns: its exact bytes, media type and digest. */
    public record FetchedManifest(byte[] content, String mediaType, Digest digest) {
    }

    /** A blob's bytes as they arrive, and their length when the registry announced it (else -1). */
    public record BlobStream(InputStream body, long length) {
    }

    private static final String ACCEPT = String.join(", ", MediaTypes.OCI_INDEX, MediaTypes.DOCKER_MANIFEST_LIST,
            MediaTypes.OCI_MANIFEST, MediaTypes.DOCKER_MANIFEST);
    private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Manifests larger than this are refused, as the registry refuses to store them. */
    private static final int MAX_MANIFEST = 4 * 1024 * 1024;

    private final URI base;
    private final LoginServers drydock;
    private final Credentials credentials;
    private final HttpClient http;
    private final Duration responseTimeout;
    private final Map<String, String> headers;
    /** The Authorization header each scope was last granted with. */
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    /**
     * @param registry    {@code host[:port]} (https, or http for localhost and 127.0.0.1) or a URL with a scheme
     * @param credentials null for anonymous access
     */
    public RegistryClient(String registry, Credentials credentials, Duration timeout) {
        this(registry, credentials, timeout, null);
    }

    /**
     * @param drydock where Drydock's own registries are, reached without DNS, and which registries are reached with
     *                plain http; null for none
     */
    public RegistryClient(String registry, Credentials credentials, Duration timeout, LoginServers drydock) {
        this(registry, credentials, timeout, timeout, drydock, Map.of());
    }

    /**
     * @param connectTimeout  for each connection
     * @param responseTimeout from each request to its response's headers
     * @param headers         sent with every registry request (not to token services)
     */
    public RegistryClient(String registry, Credentials credentials, Duration connectTimeout, Duration responseTimeout,
            LoginServers drydock, Map<String, String> headers) {
        this.drydock = drydock;
        this.base = baseUri(registry, drydock);
        this.credentials = credentials;
        this.responseTimeout = responseTimeout;
        this.headers = Map.copyOf(headers);
        // plain http stays HTTP/1.1: an h2c upgrade is a detour few registries take
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout)
                .version(base.getScheme().equals("http") ? HttpClient.Version.HTTP_1_1 : HttpClient.Version.HTTP_2)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    static URI baseUri(String registry, LoginServers drydock) {
        String r = registry.strip();
        if (r.endsWith("/")) {
            r = r.substring(0, r.length() - 1);
        }
        if (!r.contains("://")) {
            String host = r.toLowerCase(Locale.ROOT);
            boolean local = host.startsWith("localhost") || host.startsWith("127.") || host.startsWith("[::1]");
            r = (drydock != null ? drydock.schemeOf(host) : local ? "http" : "https") + "://" + r;
        }
        URI uri = URI.create(r);
        if (uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
            throw new IllegalArgumentException("not a registry address: " + registry);
        }
        return uri;
    }

    public URI base() {
        return base;
    }

    /** The manifest, verified against {@code reference} when it is a digest. */
    public FetchedManifest manifest(RepositoryName repository, String reference) throws IOException {
        HttpResponse<byte[]> response = send(repository, "/v2/" + repository + "/manifests/" + reference,
                HttpResponse.BodyHandlers.ofByteArray(), ACCEPT);
        byte[] content = response.body();
        if (content.length > MAX_MANIFEST) {
            throw new RegistryClientException("manifest " + repository + ":" + reference + " exceeds " + MAX_MANIFEST
                    + " bytes", 502);
        }
        Digest actual;
        if (reference.contains(":")) {
            Digest expected = Digest.parse(reference);
            actual = Digest.of(expected.algorithm(), content);
            if (!actual.equals(expected)) {
                throw new RegistryClientException("manifest " + repository + "@" + expected + " has digest " + actual
                        + "; the source registry sent other content", 502);
            }
        } else {
            actual = Digest.sha256(content);
        }
        String mediaType = response.headers().firstValue("Content-Type").map(t -> t.split(";")[0].strip())
                .orElse(null);
        if (mediaType == null || !MediaTypes.isManifest(mediaType)) {
            JsonNode parsed = JSON.readTree(content);
            mediaType = parsed.path("mediaType").asText(null);
        }
        return new FetchedManifest(content, mediaType, actual);
    }

    /**
     * The digest a tag (or digest) resolves to now, asked with HEAD as clients do to see whether a tag moved; a
     * registry that names no digest in its answer is asked with GET.
     */
    public Digest manifestDigest(RepositoryName repository, String reference) throws IOException {
        HttpResponse<Void> response = send(repository, "/v2/" + repository + "/manifests/" + reference,
                HttpResponse.BodyHandlers.discarding(), ACCEPT, "HEAD");
        Optional<String> digest = response.headers().firstValue("Docker-Content-Digest");
        if (digest.isPresent()) {
            try {
                return Digest.parse(digest.get().strip());
            } catch (IllegalArgumentException e) {
                // a registry that sends a digest it cannot spell is asked for the manifest itself
            }
        }
        return manifest(repository, reference).digest();
    }

    /** The blob's bytes as a stream; the caller verifies the digest while reading and closes it. */
    public InputStream blob(RepositoryName repository, Digest digest) throws IOException {
        return blobStream(repository, digest).body();
    }

    /**
     * The blob's bytes with their announced length, read ahead of the caller (a read that waits longer than the
     * response timeout fails); the caller verifies the digest while reading and closes it.
     */
    public BlobStream blobStream(RepositoryName repository, Digest digest) throws IOException {
        HttpResponse<PrefetchingBody> response = send(repository, "/v2/" + repository + "/blobs/" + digest,
                info -> new PrefetchingBody(responseTimeout), null);
        return new BlobStream(response.body(), response.headers().firstValueAsLong("Content-Length").orElse(-1));
    }

    private <T> HttpResponse<T> send(RepositoryName repository, String path, HttpResponse.BodyHandler<T> handler,
            String accept) throws IOException {
        return send(repository, path, handler, accept, "GET");
    }

    private <T> HttpResponse<T> send(RepositoryName repository, String path, HttpResponse.BodyHandler<T> handler,
            String accept, String method) throws IOException {
        String scope = "repository:" + repository + ":pull";
        HttpResponse<T> response = request(method, path, handler, accept, authorization(scope));
        if (response.statusCode() == 401) {
            close(response);
            String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
            String auth = authorize(challenge, scope);
            response = request(method, path, handler, accept, auth);
        }
        if (response.statusCode() / 100 != 2) {
            close(response);
            int status = response.statusCode();
            String what = repository + " " + path.substring(path.lastIndexOf('/') + 1);
            throw new RegistryClientException(switch (status) {
                case 401 -> "the source registry refused the credentials for " + repository;
                case 403 -> "the source registry denies access to " + repository;
                case 404 -> "the source registry has no " + what;
                case 429 -> "the source registry throttled the request";
                default -> "the source registry answered " + status + " for " + what;
            }, status);
        }
        return response;
    }

    private <T> HttpResponse<T> request(String method, String path, HttpResponse.BodyHandler<T> handler,
            String accept, String authorization) throws IOException {
        HttpRequest.Builder request = newRequest(base.resolve(path)).method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(responseTimeout);
        headers.forEach(request::header);
        if (accept != null) {
            request.header("Accept", accept);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return http.send(request.build(), handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private HttpRequest.Builder newRequest(URI uri) {
        return drydock == null ? HttpRequest.newBuilder(uri) : drydock.request(uri);
    }

    private String authorization(String scope) {
        return tokens.get(scope);
    }

    /** Answers a challenge: Basic with the credentials, or a Bearer token fetched from the realm. */
    private String authorize(String challenge, String scope) throws IOException {
        if (challenge.regionMatches(true, 0, "Basic", 0, 5)) {
            if (credentials == null) {
                throw new RegistryClientException("the source registry needs credentials", 401);
            }
            // sent with every later request, as clients do once a registry asked for Basic
            String basic = "Basic " + credentials.basic();
            tokens.put(scope, basic);
            return basic;
        }
        if (!challenge.regionMatches(true, 0, "Bearer", 0, 6)) {
            throw new RegistryClientException("the source registry asks for an unknown authentication: " + challenge,
                    401);
        }
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = CHALLENGE_PARAM.matcher(challenge);
        while (m.find()) {
            params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2));
        }
        String realm = params.get("realm");
        if (realm == null) {
            throw new RegistryClientException("the source registry's challenge names no realm", 401);
        }
        StringBuilder url = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
        if (params.containsKey("service")) {
            url.append("service=").append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8)).append('&');
        }
        url.append("scope=").append(URLEncoder.encode(params.getOrDefault("scope", scope), StandardCharsets.UTF_8));
        HttpRequest.Builder request = newRequest(base.resolve(URI.create(url.toString()))).GET()
                .timeout(responseTimeout);
        if (credentials != null) {
            request.header("Authorization", "Basic " + credentials.basic());
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new RegistryClientException("the source registry's token service refused the credentials ("
                    + response.statusCode() + ")", 401);
        }
        JsonNode body = JSON.readTree(response.body());
        String token = body.hasNonNull("token") ? body.get("token").asText() : body.path("access_token").asText(null);
        if (token == null) {
            throw new RegistryClientException("the source registry's token service returned no token", 502);
        }
        tokens.put(scope, "Bearer " + token);
        return "Bearer " + token;
    }

    private static void close(HttpResponse<?> response) {
        if (response.body() instanceof InputStream in) {
            try {
                in.close();
            } catch (IOException e) {
                // nothing more to read from it
            }
        }
    }

    /** A user name and password (or token) for the source registry; never printed. */
    public record Credentials(String username, String password) {
        String basic() {
            return Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "Credentials[" + username + ", ******]";
        }
    }
}
