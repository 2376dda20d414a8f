package dev.drydock.registry.service;

import dev.drydock.registry.config.RegistryConfig;
import dev.drydock.registry.domain.ErrorCode;
import dev.drydock.registry.domain.RegistryException;
import dev.drydock.registry.persistence.LoginFailures;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Throttles password guessing ({@link RegistryConfig.Throttle}): an attempt is counted against its source address
 * and its user name before the password is checked, and refused with 429 TOOMANYREQUESTS and a Retry-After while
 * either is blocked. A success resets its user name and takes its own attempt back from the address (so an attacker
 * cannot clear the address's count with a credential of its own).
 */
@ApplicationScoped
public class LoginThrottle {

    private static final Logger LOG = Logger.getLogger(LoginThrottle.class);

    private final LoginFailures failures;
    private final RegistryConfig.Throttle config;

    LoginThrottle(LoginFailures failures, RegistryConfig config) {
        this.failures = failures;
        this.config = config.auth().throttle();
    }

    /**
     * Counts an attempt; fails with TOOMANYREQUESTS when the address or user is blocked.
     *
     * @param user the user name when it is one a guesser could lock out to no gain (registry credentials); null for
     *             configured identities, whose secrets are compared without a slow hash and whose lock-out would
     *             stop Drydock itself
     */
    public Uni<Void> admit(String address, Long registryId, String user) {
        if (!config.enabled()) {
            return Uni.createFrom().voidItem();
        }
        List<LoginFailures.Key> keys = new ArrayList<>();
        keys.add(new LoginFailures.Key(addressKey(address), config.addressFailures()));
        if (user != null) {
            keys.add(new LoginFailures.Key(userKey(registryId, user), config.userFailures()));
        }
        return failures.count(keys, config.window(), config.firstBlock(), config.longestBlock()).invoke(blocked -> {
            if (blocked > 0) {
                LOG.debugf("sign-in refused for %ds: %s", blocked, keys);
                throw new RegistryException(ErrorCode.TOOMANYREQUESTS, "too many failed sign-ins from this address"
                        + " or for this user; retry in " + blocked + " s", null,
                        Map.of("Retry-After", String.valueOf(blocked)));
            }
        }).replaceWithVoid();
    }

    /** The attempt {@link #admit} counted succeeded. */
    public Uni<Void> succeeded(String address, Long registryId, String user) {
        if (!config.enabled()) {
            return Uni.createFrom().voidItem();
        }
        return failures.succeeded(user == null ? List.of() : List.of(userKey(registryId, user)),
                List.of(addressKey(address)));
    }

    @Scheduled(every = "10m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> prune() {
        return failures.prune(config.window().plus(config.longestBlock())).replaceWithVoid();
    }

    private static String addressKey(String address) {
        return "address:" + (address == null ? "unknown" : address);
    }

    private static String userKey(Long registryId, String user) {
        return "user:" + registryId + ":" + user.toLowerCase(Locale.ROOT);
    }
}
