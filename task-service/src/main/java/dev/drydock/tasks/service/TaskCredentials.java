package dev.drydock.tasks.service;

import dev.drydock.tasks.persistence.Tasks;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A task's credentials for other registries ({@code az acr task credential add|update|remove|list}), so its builds
 * can pull from and push to them: a user name and password, or the task service's own identity for another Drydock
 * registry. The identity can push anywhere in Drydock, so only the administrator may give it to a task; a registry's
 * admin user, whose own credentials stop at its registry, may not reach further through its tasks.
 */
@ApplicationScoped
public class TaskCredentials {

    /** The run secret holding the password for a login server. */
    public static final String SECRET_PREFIX = "credential:";
    /** ACR's spelling of the service's own identity ({@code --use-identity [system]}). */
    public static final String SYSTEM_IDENTITY = "[system]";
    private static final Logger LOG = Logger.getLogger(TaskCredentials.class);
    private static final Pattern SERVER = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,252}[a-z0-9])?(:[0-9]{1,5})?");
    private static final int MAX_PER_TASK = 10;

    /** What a caller sends: username and password, or identity "[system]". */
    public record Credential(String username, String password, String identity) {
    }

    private final Tasks tasks;
    private final RegistryAccess registry;

    TaskCredentials(Tasks tasks, RegistryAccess registry) {
        this.tasks = tasks;
        this.registry = registry;
    }

    /** The task's credentials as the API shows them: user names and identities, never a password. */
    public static Map<String, Object> view(JsonObject credentials) {
        Map<String, Object> view = new LinkedHashMap<>();
        for (String server : credentials.fieldNames()) {
            JsonObject c = credentials.getJsonObject(server);
            Map<String, Object> shown = new LinkedHashMap<>();
            if (c.getBoolean("identity", false)) {
                shown.put("identity", SYSTEM_IDENTITY);
            } else {
                shown.put("username", c.getString("username"));
            }
            view.put(server, shown);
        }
        return view;
    }

    /** Puts the credentials into a run: who logs in where in its request, passwords with its secrets. */
    static void addTo(JsonObject credentials, JsonObject request, Map<String, String> secrets) {
        JsonObject logins = new JsonObject();
        for (String server : credentials.fieldNames()) {
            JsonObject c = credentials.getJsonObject(server);
            if (c.getBoolean("identity", false)) {
                logins.put(server, new JsonObject().put("identity", true));
            } else {
                logins.put(server, new JsonObject().put("username", c.getString("username")));
                secrets.put(SECRET_PREFIX + server, c.getString("password", ""));
            }
        }
        if (!logins.isEmpty()) {
            request.put("credentials", logins);
        }
    }

    /**
     * Adds or replaces the credential for {@code server}.
     *
     * @param administrator whether the caller is Drydock's administrator (not a registry's admin user)
     * @return the task, or null when there is none
     */
    public Uni<Tasks.Task> put(String registryName, String task, String server, Credential credential,
            boolean administrator) {
        String s = server(server);
        JsonObject stored;
        if (credential == null) {
            throw new InvalidRequestException("a credential is {\"username\", \"password\"} or {\"identity\": \""
                    + SYSTEM_IDENTITY + "\"}");
        }
        if (credential.identity() != null) {
            if (!SYSTEM_IDENTITY.equals(credential.identity()) || credential.username() != null
                    || credential.password() != null) {
                throw new InvalidRequestException("identity is \"" + SYSTEM_IDENTITY + "\" (the task service's own),"
                        + " without a username or password");
            }
            if (registry.servers().registryOf(s) == null) {
                throw new InvalidRequestException(s + " is not a Drydock registry: the task service's identity"
                        + " counts only there; give a username and password");
            }
            if (!administrator) {
                throw new ForbiddenException("only the administrator may let a task use the task service's identity"
                        + " in another registry");
            }
            stored = new JsonObject().put("identity", true);
        } else {
            if (credential.username() == null || credential.username().isBlank() || credential.password() == null
                    || credential.password().isEmpty()) {
                throw new InvalidRequestException("a credential needs a username and a password (or identity \""
                        + SYSTEM_IDENTITY + "\")");
            }
            if (credential.username().length() > 256 || credential.password().length() > 4096) {
                throw new InvalidRequestException("a username is at most 256 characters, a password 4096");
            }
            stored = new JsonObject().put("username", credential.username()).put("password", credential.password());
        }
        return tasks.find(registryName, task).chain(found -> {
            if (found == null) {
                return Uni.createFrom().nullItem();
            }
            if (!found.credentials().containsKey(s) && found.credentials().size() >= MAX_PER_TASK) {
                throw new InvalidRequestException("a task has at most " + MAX_PER_TASK + " credentials");
            }
            return tasks.putCredential(registryName, found.name(), s, stored)
                    .invoke(t -> LOG.infof("task %s/%s: credential for %s set (%s)", registryName, found.name(), s,
                            stored.containsKey("identity") ? "task service identity" : "user "
                                    + credential.username()));
        });
    }

    /** @return whether there was a credential for {@code server} */
    public Uni<Boolean> remove(String registryName, String task, String server) {
        String s = server(server);
        return tasks.removeCredential(registryName, task, s).invoke(removed -> {
            if (removed) {
                LOG.infof("task %s/%s: credential for %s removed", registryName, task, s);
            }
        });
    }

    private static String server(String server) {
        String s = server == null ? "" : server.strip().toLowerCase(Locale.ROOT);
        if (!SERVER.matcher(s).matches()) {
            throw new InvalidRequestException("a login server is host[:port], got '" + server + "'");
        }
        return s;
    }
}
