package dev.drydock.registry.api.management;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.drydock.registry.domain.AcrTime;
import dev.drydock.registry.domain.Refusal;
import dev.drydock.registry.domain.Registry;
import dev.drydock.registry.service.RegistryService;

import java.util.Locale;

/** A registry as the management API shows it: ARM's property names, flattened where ARM nests "properties". */
@JsonInclude(JsonInclude.Include.NON_NULL)
record RegistryJson(String name, String loginServer, SkuJson sku, String creationDate, String lastModified,
        String provisioningState, boolean adminUserEnabled, boolean anonymousPullEnabled, PoliciesJson policies) {

    record SkuJson(String name, String tier) {
    }

    record PoliciesJson(RetentionJson retentionPolicy, SoftDeleteJson softDeletePolicy) {
    }

    record RetentionJson(Integer days, String status) {
    }

    /** ARM's softDeletePolicy. */
    record SoftDeleteJson(Integer retentionDays, String status, String lastUpdatedTime) {
    }

    static RegistryJson of(Registry registry) {
        String sku = registry.sku().name();
        return new RegistryJson(registry.name(), registry.loginServer(), new SkuJson(sku, sku),
                AcrTime.format(registry.createdAt()), AcrTime.format(registry.updatedAt()), "Succeeded",
                registry.adminUserEnabled(), registry.anonymousPullEnabled(), new PoliciesJson(
                        new RetentionJson(registry.retention().days(), status(registry.retention().enabled())),
                        new SoftDeleteJson(registry.softDelete().days(), status(registry.softDelete().enabled()),
                                registry.softDelete().updatedAt() == null ? null
                                        : AcrTime.format(registry.softDelete().updatedAt()))));
    }

    private static String status(boolean enabled) {
        return enabled ? "enabled" : "disabled";
    }

    /**
     * A create or update body: {@code {"name", "sku": {"name"}, "adminUserEnabled", "anonymousPullEnabled",
     * "policies": {"retentionPolicy": {days, status}, "softDeletePolicy": {retentionDays, status}}}}.
     */
    record Request(String name, SkuJson sku, Boolean adminUserEnabled, Boolean anonymousPullEnabled,
            PoliciesJson policies) {

        RegistryService.Change change() {
            RetentionJson retention = policies == null ? null : policies.retentionPolicy();
            SoftDeleteJson softDelete = policies == null ? null : policies.softDeletePolicy();
            return new RegistryService.Change(sku == null ? null : sku.name(),
                    retention == null ? null : parseStatus("retentionPolicy", retention.status()),
                    retention == null ? null : retention.days(), adminUserEnabled, anonymousPullEnabled,
                    softDelete == null ? null : parseStatus("softDeletePolicy", softDelete.status()),
                    softDelete == null ? null : softDelete.retentionDays());
        }

        private static Boolean parseStatus(String policy, String status) {
            if (status == null) {
                return null;
            }
            return switch (status.toLowerCase(Locale.ROOT)) {
                case "enabled" -> true;
                case "disabled" -> false;
                default -> throw Refusal.invalid(policy + ".status is enabled or disabled, not '" + status + "'");
            };
        }
    }
}
