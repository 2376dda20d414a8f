package dev.drydock.registry.domain;

import java.time.Instant;

/**
 * A login for an upstream registry (ACR's credential set). Its user name and password are stored encrypted and
 * never shown; what is shown is the login server and the health the last upstream call found.
 */
public record CredentialSet(long id, String name, String loginServer, Health health, Instant createdAt) {

    public static final Health HEALTHY = new Health("Healthy", null, null);

    /** ACR's credentialHealth: Healthy, or Unhealthy with the upstream's refusal. */
    public record Health(String status, String errorCode, String errorMessage) {
        public boolean healthy() {
            return "Healthy".equals(status);
        }
    }
}
