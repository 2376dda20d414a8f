package dev.drydock.oci.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Drydock registry's {@code /oauth2/token} as the other services use it: to exchange a service identity for a
 * refresh token, and to check a caller's Basic credentials (the claims of the access token say who they are). A
 * check is remembered for a while, so a client sending credentials with every call pays the registry's slow
 * password hash once per period; the key is a hash, never the password.
 */
public class TokenEndpoint {

    /** What the registry granted. @param claims the access token's claims (sub, kind, access …) */
    public record Grant(String refreshToken, JsonNode claims) {
    }

    private record Remembered(Optional<Grant> grant, long until) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LoginServers servers;
    private final Duration remember;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();

    /** @param servers how Drydock's registry service is reached and names its registries */
    public TokenEndpoint(LoginServers servers, Duration remember) {
        this.servers = servers;
        this.remember = remember;
    }

    /**
     * Asks the registry at {@code server} (host[:port], also the token's audience) for a token.
     *
     * @return empty when the registry refused the credentials
     * @throws IOException when the registry could not be asked
     */
    public Optional<Grant> password(String server, String user, String password) throws IOException {
        String form = "grant_type=password&access_type=offline&service=" + encode(server) + "&username="
                + encode(user) + "&password=" + encode(password);
        HttpRequest request = servers.request(URI.create(servers.scheme() + "://" + server + "/oauth2/token"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() == 401 || response.statusCode() == 403) {
                return Optional.empty();
            }
            if (response.statusCode() != 200) {
                throw new IOException("token endpoint answered " + response.statusCode());
            }
            JsonNode answer = JSON.readTree(response.body());
            return Optional.of(new Grant(answer.path("refresh_token").asText(null),
                    claims(answer.path("access_token").asText())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** {@link #password}, remembered for the period given at construction. */
    public Optional<Grant> check(String server, String user, String password) throws IOException {
        String key = key(server, user, password);
        Remembered r = remembered.get(key);
        if (r != null && r.until() > System.nanoTime()) {
            return r.grant();
        }
        Optional<Grant> grant = password(server, user, password);
        if (remembered.size() > 10_000) {
            remembered.clear();
        }
        remembered.put(key, new Remembered(grant, System.nanoTime() + remember.toNanos()));
        return grant;
    }

    /** The user and password of a Basic Authorization header, or empty when it is none. */
    public static Optional<String[]> basic(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? Optional.empty()
                    : Optional.of(new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)});
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static JsonNode claims(String jwt) throws IOException {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            throw new IOException("the registry's token is no JWT");
        }
        return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String key(String server, String user, String password) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                    (server + '\0' + user + '\0' + password).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
