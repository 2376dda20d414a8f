package dev.drydock.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Logging in: the credentials checked by the registry's token endpoint, then kept for the CLI and the clients. */
public final class Logins {

    private Logins() {
    }

    /** The profile for {@code server} (a URL, or host[:port]: http for localhost and 127.*, else https). */
    public static Profile profileFor(String server, Profile current, String username, String password) {
        String url = server.contains("://") ? server : (server.startsWith("localhost") || server.startsWith("127.")
                ? "http://" : "https://") + server;
        URI uri = URI.create(url.replaceAll("/+$", ""));
        boolean same = URI.create(current.server()).equals(uri);
        return new Profile(uri.toString(), same ? current.tasksUrl() : Profile.sibling(uri.toString(), 1),
                same ? current.instancesUrl() : Profile.sibling(uri.toString(), 2), username, password,
                current.defaultRegistry());
    }

    /** Checks the credentials and writes them for the container clients. @return the files written */
    public static List<Path> login(Profile profile, Map<String, String> env) throws IOException {
        String form = "grant_type=password&service=" + Api.encode(profile.registryHost()) + "&username="
                + Api.encode(profile.username()) + "&password=" + Api.encode(profile.password());
        HttpRequest request = HttpRequest.newBuilder(URI.create(profile.server() + "/oauth2/token"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        int status;
        try {
            status = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.net.ConnectException e) {
            throw new ApiException("cannot reach " + profile.server() + " (is the stack up? ./drydock-stack status)",
                    Api.EXIT_UNREACHABLE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException("interrupted", 130);
        }
        if (status == 401 || status == 403) {
            throw new ApiException("incorrect username or password for " + profile.registryHost(), Api.EXIT_AUTH);
        }
        if (status != 200) {
            throw new ApiException(profile.server() + " answered " + status + " to the login", Api.EXIT_FAILED);
        }
        return ClientAuth.write(env, profile.registryHost(), profile.username(), profile.password());
    }

    public static void logout(Profile profile, Map<String, String> env) throws IOException {
        ClientAuth.write(env, profile.registryHost(), null, null);
    }
}
