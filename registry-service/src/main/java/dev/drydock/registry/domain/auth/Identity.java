package dev.drydock.registry.domain.auth;

import java.util.EnumSet;
import java.util.Set;

/**
 * Who a request acts as, and what that identity may do; a token issued to it carries the intersection of this and
 * what was asked for.
 *
 * @param subject    the name tokens and events carry ("" for anonymous)
 * @param registryId the registry the identity belongs to; null for identities valid in every registry
 * @param scopeMap   for a repository token: its rules
 * @param credential what the identity proved itself with, which tokens issued to it name; null for anonymous
 */
public record Identity(String subject, Kind kind, Long registryId, ScopeMap scopeMap, CredentialRef credential) {

    public enum Kind {
        /** The bootstrap administrator from configuration: everything, everywhere, the management API included. */
        MANAGEMENT,
        /** A service (task-service, instance-service): pull and push in every registry, asked for per use. */
        SERVICE,
        /** A registry's admin user: everything in that registry. */
        ADMIN_USER,
        /** A repository token: what its scope map grants. */
        TOKEN,
        /** No credential, where the registry allows anonymous pull. */
        ANONYMOUS
    }

    /** The task service's user name (drydock.registry.auth.task-service-secret is its password). */
    public static final String TASK_SERVICE = "task-service";

    public static Identity anonymous(long registryId) {
        return new Identity("", Kind.ANONYMOUS, registryId, null, null);
    }

    /** A registry's admin user, having presented {@code credential}. */
    public static Identity adminUser(String registryName, long registryId, CredentialRef credential) {
        return new Identity(registryName, Kind.ADMIN_USER, registryId, null, credential);
    }

    public Set<Action> actionsOn(long registry, String repository) {
        if (registryId != null && registryId != registry) {
            return EnumSet.noneOf(Action.class);
        }
        return switch (kind) {
            case MANAGEMENT, ADMIN_USER -> EnumSet.allOf(Action.class);
            // tasks build, push and purge (untag, delete, unlock with --include-locked), as a registry's own tasks
            // may on ACR; instances only pull
            case SERVICE -> subject.equals(TASK_SERVICE) ? EnumSet.allOf(Action.class)
                    : EnumSet.of(Action.PULL, Action.METADATA_READ);
            case TOKEN -> scopeMap.actionsOn(repository);
            case ANONYMOUS -> EnumSet.of(Action.PULL);
        };
    }

    public boolean mayListCatalog(long registry) {
        if (registryId != null && registryId != registry) {
            return false;
        }
        return switch (kind) {
            case MANAGEMENT, ADMIN_USER, SERVICE -> true;
            case TOKEN -> scopeMap.coversCatalog();
            case ANONYMOUS -> false;
        };
    }

    public boolean mayManage() {
        return kind == Kind.MANAGEMENT;
    }
}
