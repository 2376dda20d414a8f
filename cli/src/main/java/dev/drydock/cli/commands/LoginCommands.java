package dev.drydock.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drydock.cli.Api;
import dev.drydock.cli.ApiException;
import dev.drydock.cli.Base;
import dev.drydock.cli.Profile;
import dev.drydock.cli.Logins;
import dev.drydock.cli.Output;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code drydock login} and {@code logout}. */
public final class LoginCommands {

    private LoginCommands() {
    }

    @Command(name = "login", description = "Checks credentials with the registry, keeps them in the profile and "
            + "writes them where podman, skopeo, buildah and docker look (az acr login).")
    public static class Login extends Base {

        @Parameters(arity = "0..1", description = "the registry service, e.g. http://localhost:8080 "
                + "(default: the profile's)")
        String server;

        @Option(names = {"-u", "--username"}, description = "required unless --expose-token")
        String username;

        @picocli.CommandLine.Mixin
        PasswordOption password;

        @Option(names = {"-t", "--expose-token"}, description = "prints a refresh token of the logged-in identity for "
                + "the registry (-r) instead of writing files, for clients Drydock cannot configure (az acr login "
                + "--expose-token)")
        boolean exposeToken;

        @Override
        public Integer call() throws Exception {
            if (exposeToken) {
                return exposeToken();
            }
            if (username == null) {
                throw new ApiException("a user name is needed: -u", 2);
            }
            String secret = password.read();
            Profile current = api().profile();
            Profile profile = Logins.profileFor(server == null ? current.server() : server, current, username, secret);
            List<Path> files = Logins.login(profile, System.getenv());
            profile.save(System.getenv());
            System.out.println("Login Succeeded (" + profile.registryHost() + ")");
            System.err.println("credentials kept in " + Profile.file(System.getenv()) + " and " + files);
            return 0;
        }

        /** az's shape: the token with the login server and the user name a client presents it with. */
        private Integer exposeToken() {
            String server = loginServer();
            JsonNode granted = api().getFrom(server, "/oauth2/token?offline_token=true&service=" + Api.encode(server));
            String token = granted.path("refresh_token").asText(null);
            if (token == null) {
                throw new ApiException("the registry gave no refresh token (anonymous?); run drydock login first",
                        Api.EXIT_AUTH);
            }
            Map<String, String> exposed = new LinkedHashMap<>();
            exposed.put("accessToken", token);
            exposed.put("loginServer", server);
            exposed.put("username", "00000000-0000-0000-0000-000000000000");
            printAs(Api.JSON.valueToTree(exposed), Output.columns("LOGIN SERVER", "loginServer", "USERNAME", "username",
                    "ACCESS TOKEN", "accessToken"));
            System.err.println("use it as: podman login -u 00000000-0000-0000-0000-000000000000 --password-stdin "
                    + server);
            return 0;
        }
    }

    @Command(name = "logout", description = "Forgets the profile's credentials and removes them from the container "
            + "clients' files.")
    public static class Logout extends Base {

        @Override
        public Integer call() throws Exception {
            Profile profile = api().profile();
            Logins.logout(profile, System.getenv());
            new Profile(profile.server(), profile.tasksUrl(), profile.instancesUrl(), null, null,
                    profile.defaultRegistry()).save(System.getenv());
            System.out.println("Removed login credentials for " + profile.registryHost());
            return 0;
        }
    }
}
