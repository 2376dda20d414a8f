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

    record PoliciesJson(RetentionJson retentionPolicy) {
    }

    record RetentionJson(Integer days, String status) {
    }

    static RegistryJson of(Registry registry) {
        String sku = registry.sku().name();
        return new RegistryJson(registry.name(), registry.loginServer(), new SkuJson(sku, sku),
                AcrTime.format(registry.createdAt()), AcrTime.format(registry.updatedAt()), "Succeeded",
                registry.adminUserEnabled(), registry.anonymousPullEnabled(), new PoliciesJson(new RetentionJson(registry.retention().days(),
                        registry.retention().enabled() ? "enabled" : "disabled")));
    }

    /**
     * A create or update body: {@code {"name", "sku": {"name"}, "adminUserEnabled", "anonymousPullEnabled",
     * "policies": {"retentionPolicy": {days, status}}}}.
     */
    record Request(String name, SkuJson sku, Boolean adminUserEnabled, Boolean anonymousPullEnabled,
            PoliciesJson policies) {

        RegistryService.Change change() {
            RetentionJson retention = policies == null ? null : policies.retentionPolicy();
            Boolean enabled = retention == null || retention.status() == null ? null : parseStatus(retention.status());
            return new RegistryService.Change(sku == null ? null : sku.name(), enabled,
                    retention == null ? null : retention.days(), adminUserEnabled, anonymousPullEnabled);
        }

        private static Boolean parseStatus(String status) {
            return switch (status.toLowerCase(Locale.ROOT)) {
                case "enabled" -> true;
                case "disabled" -> false;
                default -> throw Refusal.invalid(
                        "retentionPolicy.status is enabled or disabled, not '" + status + "'");
            };
        }
    }
}
