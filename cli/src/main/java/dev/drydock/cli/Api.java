package dev.drydock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * The three services as the CLI calls them: JSON in and out, the profile's Basic credentials, the registry picked by
 * the Host header where the registry service needs it ({@code /v2}, {@code /acr/v1}), and every failure turned into
 * an {@link ApiException} with the server's own error message.
 */
public final class Api {

    /** Which service a call goes to. */
    public enum Service { REGISTRY, TASKS, INSTANCES }

    public static final int EXIT_FAILED = 1;
    public static final int EXIT_NOT_FOUND = 4;
    public static final int EXIT_AUTH = 5;
    public static final int EXIT_UNREACHABLE = 6;

    public static final ObjectMapper JSON = new ObjectMapper();

    private final Profile profile;
    // HTTP/1.1: an h2c upgrade with a Host header of our own is refused by the server
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    public Api(Profile profile) {
        this.profile = profile;
    }

    public Profile profile() {
        return profile;
    }

    public JsonNode get(Service service, String path) {
        return json(send(request(service, path, null).GET()));
    }

    public JsonNode post(Service service, String path, Object body) {
        return json(send(request(service, path, null).POST(body(body)).header("Content-Type", "application/json")));
    }

    public JsonNode patch(Service service, String path, Object body) {
        return json(send(request(service, path, null).method("PATCH", body(body))
                .header("Content-Type", "application/json")));
    }

    public JsonNode put(Service service, String path, String body, String contentType) {
        return json(send(request(service, path, null).PUT(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", contentType)));
    }

    public JsonNode delete(Service service, String path) {
        return json(send(request(service, path, null).DELETE()));
    }

    /** A call of the registry service with {@code host} as the Host header (the registry it picks). */
    public JsonNode getFrom(String host, String path) {
        return json(send(request(Service.REGISTRY, path, host).GET()));
    }

    public JsonNode patchAt(String host, String path, Object body) {
        return json(send(request(Service.REGISTRY, path, host).method("PATCH", body(body))
                .header("Content-Type", "application/json")));
    }

    public JsonNode postAt(String host, String path, Object body) {
        return json(send(request(Service.REGISTRY, path, host).POST(body(body))
                .header("Content-Type", "application/json")));
    }

    public JsonNode deleteAt(String host, String path) {
        return json(send(request(Service.REGISTRY, path, host).DELETE()));
    }

    /** The answer as text (an export, a log). */
    public String text(Service service, String path) {
        return new String(send(request(service, path, null).GET().setHeader("Accept", "*/*")), StandardCharsets.UTF_8);
    }

    /** A streamed answer (a followed log), read by the caller until the server ends it. */
    public InputStream stream(Service service, String path) {
        HttpRequest request = request(service, path, null).GET().setHeader("Accept", "*/*").build();
        HttpResponse<InputStream> response = exchange(() -> http.send(request, HttpResponse.BodyHandlers.ofInputStream()),
                request.uri());
        if (response.statusCode() / 100 != 2) {
            try (InputStream body = response.body()) {
                throw failure(response.statusCode(), body.readAllBytes(), request.uri());
            } catch (IOException e) {
                throw new ApiException(request.uri() + ": " + e.getMessage(), EXIT_FAILED);
            }
        }
        return response.body();
    }

    /** Uploads a body of known size (a build context) and answers the JSON reply. */
    public JsonNode upload(Service service, String path, String contentType, Supplier<InputStream> body, long size) {
        return json(send(request(service, path, null).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(body), size))));
    }

    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private HttpRequest.Builder request(Service service, String path, String host) {
        String base = switch (service) {
            case REGISTRY -> profile.server();
            case TASKS -> profile.tasksUrl();
            case INSTANCES -> profile.instancesUrl();
        };
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base.replaceAll("/+$", "") + path))
                .timeout(Duration.ofMinutes(10)).header("Accept", "application/json");
        if (profile.username() != null && profile.password() != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (profile.username() + ":" + profile.password()).getBytes(StandardCharsets.UTF_8)));
        }
        if (host != null) {
            request.header("Host", host);
        }
        return request;
    }

    private byte[] send(HttpRequest.Builder builder) {
        HttpRequest request = builder.build();
        HttpResponse<byte[]> response = exchange(() -> http.send(request, HttpResponse.BodyHandlers.ofByteArray()),
                request.uri());
        if (response.statusCode() / 100 != 2) {
            throw failure(response.statusCode(), response.body(), request.uri());
        }
        return response.body();
    }

    private interface Exchange<T> {
        HttpResponse<T> send() throws IOException, InterruptedException;
    }

    private static <T> HttpResponse<T> exchange(Exchange<T> exchange, URI uri) {
        try {
            return exchange.send();
        } catch (ConnectException e) {
            throw new ApiException("cannot reach " + uri.getScheme() + "://" + uri.getAuthority()
                    + " (is the stack up? ./drydock-stack status)", EXIT_UNREACHABLE);
        } catch (IOException e) {
            throw new ApiException(uri.getScheme() + "://" + uri.getAuthority() + ": " + e.getMessage(),
                    EXIT_UNREACHABLE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException("interrupted", 130);
        }
    }

    /** The server's own words: {"error":{"code","message"}} (management APIs) or {"errors":[...]} (OCI). */
    private static ApiException failure(int status, byte[] body, URI uri) {
        String detail = null;
        try {
            JsonNode json = JSON.readTree(body);
            if (json != null && json.has("error")) {
                detail = json.path("error").path("code").asText() + ": " + json.path("error").path("message").asText();
            } else if (json != null && json.has("errors") && json.get("errors").size() > 0) {
                JsonNode first = json.get("errors").get(0);
                detail = first.path("code").asText() + ": " + first.path("message").asText();
            } else if (json != null && json.has("checks") && json.has("status")) {
                detail = health(json);
            }
        } catch (IOException e) {
            detail = null;
        }
        if (detail == null) {
            String text = new String(body, StandardCharsets.UTF_8).strip();
            detail = text.isEmpty() ? "HTTP " + status : text.length() > 300 ? text.substring(0, 300) : text;
        }
        int exit = status == 401 || status == 403 ? EXIT_AUTH : status == 404 ? EXIT_NOT_FOUND : EXIT_FAILED;
        String hint = status == 401 ? " (run drydock login)" : "";
        return new ApiException(detail + hint, exit);
    }

    /** A MicroProfile Health answer in one line: the checks that are not UP, with what they said. */
    private static String health(JsonNode answer) {
        StringBuilder down = new StringBuilder();
        for (JsonNode check : answer.path("checks")) {
            if (!check.path("status").asText().equals("UP")) {
                down.append(down.length() == 0 ? "" : "; ").append(check.path("name").asText());
                java.util.List<String> said = new java.util.ArrayList<>();
                check.path("data").fields().forEachRemaining(e -> said.add(e.getKey() + ": " + e.getValue().asText()));
                if (!said.isEmpty()) {
                    down.append(" (").append(String.join(", ", said)).append(')');
                }
            }
        }
        String line = answer.path("status").asText() + (down.length() == 0 ? "" : ": " + down);
        return line.length() > 300 ? line.substring(0, 300) + " …" : line;
    }

    private static HttpRequest.BodyPublisher body(Object body) {
        try {
            return HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static JsonNode json(byte[] body) {
        if (body.length == 0) {
            return JSON.nullNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(new String(body, StandardCharsets.UTF_8));
        }
    }
}
