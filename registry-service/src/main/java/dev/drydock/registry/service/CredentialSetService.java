package dev.drydock.registry.service;

import dev.drydock.oci.client.RegistryClient;
import dev.drydock.registry.domain.CacheRule;
import dev.drydock.registry.domain.CredentialSet;
import dev.drydock.registry.domain.Refusal;
import dev.drydock.registry.persistence.CredentialSets;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Credential sets (az acr credential-set): logins for upstream registries. The user name and password are sealed
 * with {@link SecretCipher} under the set's identity and leave the service only towards the set's login server.
 */
@ApplicationScoped
public class CredentialSetService {

    private static final Logger LOG = Logger.getLogger(CredentialSetService.class);
    private static final int MAX_SECRET = 8192;

    /** A create or update: login server (create only), user name and password. */
    public record Spec(String loginServer, String username, String password) {
        @Override
        public String toString() {
            return "Spec[" + loginServer + ", ******]";
        }
    }

    private final RegistryService registries;
    private final CredentialSets sets;
    private final SecretCipher cipher;

    CredentialSetService(RegistryService registries, CredentialSets sets, SecretCipher cipher) {
        this.registries = registries;
        this.sets = sets;
        this.cipher = cipher;
    }

    public Uni<CredentialSet> create(String registryName, String name, Spec spec) {
        try {
            CacheRule.checkName("credential set", name);
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid(e.getMessage());
        }
        String loginServer = loginServer(spec.loginServer());
        checkSecrets(spec);
        return registries.get(registryName).chain(registry -> sets.create(registry.id(), name, loginServer,
                        seal(registry.id(), name, spec))
                .invoke(created -> {
                    if (created == null) {
                        throw new Refusal(Refusal.Kind.CONFLICT, "credential set " + name + " exists");
                    }
                    LOG.infof("credential set %s/%s created for %s", registry.name(), name, loginServer);
                }));
    }

    /** New user name and password; the login server stays (a set names one upstream for good). */
    public Uni<CredentialSet> update(String registryName, String name, Spec spec) {
        checkSecrets(spec);
        return registries.get(registryName).chain(registry -> find(registry.id(), name)
                .chain(set -> {
                    if (spec.loginServer() != null && !loginServer(spec.loginServer()).equals(set.loginServer())) {
                        throw Refusal.invalid("a credential set's login server cannot change; create another set");
                    }
                    return sets.update(set.id(), seal(registry.id(), name, spec));
                })
                .invoke(() -> LOG.infof("credential set %s/%s has new credentials", registry.name(), name)));
    }

    public Uni<List<CredentialSet>> list(String registryName) {
        return registries.get(registryName).chain(registry -> sets.list(registry.id()));
    }

    public Uni<CredentialSet> show(String registryName, String name) {
        return registries.get(registryName).chain(registry -> find(registry.id(), name));
    }

    /** ACR's rule: a set that a cache rule uses stays until the rule lets go of it. */
    public Uni<Void> delete(String registryName, String name) {
        return registries.get(registryName).chain(registry -> find(registry.id(), name)
                .chain(set -> sets.delete(set.id()).chain(deleted -> deleted
                        ? Uni.createFrom().voidItem().invoke(() -> LOG.infof("credential set %s/%s deleted",
                                registry.name(), name))
                        : sets.usedBy(set.id()).map(rules -> {
                            throw new Refusal(Refusal.Kind.CONFLICT, "credential set " + name
                                    + " is used by the cache rules " + rules + "; remove it from them first");
                        }))));
    }

    Uni<CredentialSet> find(long registryId, String name) {
        return sets.find(registryId, name).onItem().ifNull().failWith(() -> Refusal.notFound("credential set " + name));
    }

    /** The set's login, decrypted for one upstream call. */
    Uni<RegistryClient.Credentials> credentials(long registryId, String name) {
        return sets.secrets(registryId, name).map(sealed -> {
            if (sealed == null) {
                throw Refusal.notFound("credential set " + name);
            }
            return new RegistryClient.Credentials(
                    new String(cipher.decrypt(owner(registryId, name, "username"), sealed.username()),
                            StandardCharsets.UTF_8),
                    new String(cipher.decrypt(owner(registryId, name, "password"), sealed.password()),
                            StandardCharsets.UTF_8));
        });
    }

    /** What the last call to the set's upstream found. */
    Uni<Void> recordHealth(long registryId, String name, CredentialSet.Health health) {
        return sets.recordHealth(registryId, name, health);
    }

    private CredentialSets.Sealed seal(long registryId, String name, Spec spec) {
        return new CredentialSets.Sealed(
                cipher.encrypt(owner(registryId, name, "username"), spec.username().getBytes(StandardCharsets.UTF_8)),
                cipher.encrypt(owner(registryId, name, "password"), spec.password().getBytes(StandardCharsets.UTF_8)));
    }

    /** Binds a sealed secret to its registry, set and field: a row copied elsewhere does not decrypt. */
    private static String owner(long registryId, String name, String field) {
        return "credential-set:" + registryId + "/" + name + "/" + field;
    }

    private static void checkSecrets(Spec spec) {
        if (spec.username() == null || spec.username().isBlank() || spec.password() == null
                || spec.password().isEmpty()) {
            throw Refusal.invalid("a credential set needs username and password");
        }
        if (spec.username().length() > MAX_SECRET || spec.password().length() > MAX_SECRET) {
            throw Refusal.invalid("username and password may hold at most " + MAX_SECRET + " characters");
        }
    }

    /** {@code host[:port]}; Docker Hub's aliases are docker.io, as rules name it. */
    static String loginServer(String value) {
        if (value == null) {
            throw Refusal.invalid("a credential set needs loginServer (host[:port], like docker.io)");
        }
        try {
            return CacheRule.canonicalHost(value);
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid("loginServer: " + e.getMessage());
        }
    }
}
