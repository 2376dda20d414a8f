package dev.drydock.devstack;

import dev.drydock.events.KafkaPrincipals;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Gives Drydock's principals ({@link KafkaPrincipals}) their SCRAM credentials and exactly their grants, through the
 * broker administrator's login. Run at every start, so a stack made before authentication, a changed password or a
 * grant a later version dropped all converge to the list.
 */
public final class KafkaAccess {

    private static final int SCRAM_ITERATIONS = 8192;

    private KafkaAccess() {
    }

    /**
     * @param passwords the password of each principal of {@link KafkaPrincipals#ALL}
     * @param timeout   how long to wait for the broker to accept every new login
     */
    public static void grant(KafkaLogin admin, Map<String, String> passwords, Duration timeout) {
        grant(admin, passwords, List.of(), timeout);
    }

    /** @param extra grants beyond the list: a site's read of each peer's mirrored registry events */
    public static void grant(KafkaLogin admin, Map<String, String> passwords, List<KafkaPrincipals.Grant> extra,
            Duration timeout) {
        try (Admin client = Admin.create(admin.clientConfig(Map.of(
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis())))) {
            List<UserScramCredentialAlteration> credentials = passwords.entrySet().stream()
                    .<UserScramCredentialAlteration>map(e -> new UserScramCredentialUpsertion(e.getKey(),
                            new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS), e.getValue()))
                    .toList();
            await(client.alterUserScramCredentials(credentials).all(), timeout, "store SCRAM credentials");
            Set<AclBinding> wanted = java.util.stream.Stream.concat(KafkaPrincipals.GRANTS.stream(), extra.stream())
                    .map(KafkaAccess::binding).collect(Collectors.toSet());
            Set<String> ours = passwords.keySet().stream().map(p -> "User:" + p).collect(Collectors.toSet());
            List<AclBindingFilter> stale = await(client.describeAcls(AclBindingFilter.ANY).values(), timeout,
                    "read the ACLs").stream()
                    .filter(b -> ours.contains(b.entry().principal()) && !wanted.contains(b))
                    .map(AclBinding::toFilter)
                    .toList();
            if (!stale.isEmpty()) {
                await(client.deleteAcls(stale).all(), timeout, "remove stale ACLs");
            }
            await(client.createAcls(wanted).all(), timeout, "create ACLs");
        }
        // the credentials travel through the metadata log; a client that logged in before they arrive would fail
        passwords.forEach((user, password) -> awaitLogin(
                new KafkaLogin(admin.bootstrapServers(), KafkaLogin.SCRAM, user, password), timeout));
    }

    static AclBinding binding(KafkaPrincipals.Grant grant) {
        ResourcePattern resource = switch (grant.right()) {
            case WRITE_TOPIC, READ_TOPIC ->
                    new ResourcePattern(ResourceType.TOPIC, grant.resource(), PatternType.LITERAL);
            case READ_GROUP -> new ResourcePattern(ResourceType.GROUP, grant.resource(), PatternType.PREFIXED);
        };
        AclOperation operation =
                grant.right() == KafkaPrincipals.Right.WRITE_TOPIC ? AclOperation.WRITE : AclOperation.READ;
        return new AclBinding(resource,
                new AccessControlEntry("User:" + grant.principal(), "*", operation, AclPermissionType.ALLOW));
    }

    private static void awaitLogin(KafkaLogin login, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (Admin client = Admin.create(login.clientConfig(Map.of(
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000)))) {
                client.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("kafka does not accept the login of " + login.user() + ": "
                            + e.getMessage(), e);
                }
                Pause.briefly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for kafka", e);
            }
        }
    }

    private static <T> T await(KafkaFuture<T> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("kafka: cannot " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("kafka: cannot " + what + " within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for kafka", e);
        }
    }
}
