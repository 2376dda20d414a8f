package dev.drydock.instances.domain;

import dev.drydock.documents.DocumentException;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GroupSpecTest {

    private static final String EXAMPLE = """
            apiVersion: 2021-10-01
            location: westeurope
            name: shop-cg
            type: Microsoft.ContainerInstance/containerGroups
            tags: {team: payments}
            properties:
              osType: Linux
              restartPolicy: OnFailure
              initContainers:
              - name: init-schema
                properties:
                  image: registry/shop/migrate:1
                  command: ["/bin/sh", "-c", "echo done > /scratch/ready"]
                  volumeMounts: [{name: scratch, mountPath: /scratch}]
              containers:
              - name: api
                properties:
                  image: registry/shop/api:1
                  command: ["java", "-jar", "/app.jar"]
                  ports: [{port: 8080, protocol: TCP}]
                  environmentVariables:
                  - {name: PROFILE, value: staging}
                  - {name: DB_PASSWORD, secureValue: s3cr3t}
                  resources:
                    requests: {cpu: 1.0, memoryInGb: 1.5}
                    limits: {cpu: 1.5, memoryInGB: 2.0}
                  volumeMounts:
                  - {name: scratch, mountPath: /scratch, readOnly: true}
                  - {name: app-secrets, mountPath: /mnt/secrets}
                  - {name: data, mountPath: /var/lib/shop}
                  livenessProbe:
                    httpGet: {path: /q/health/live, port: 8080}
                    periodSeconds: 5
              - name: sidecar
                properties:
                  image: registry/shop/sidecar:1
                  resources: {requests: {cpu: 0.5, memoryInGB: 0.5}}
                  readinessProbe: {exec: {command: [cat, /tmp/ready]}}
              ipAddress: {type: Public, ports: [{port: 8080}]}
              volumes:
              - {name: scratch, emptyDir: {}}
              - name: app-secrets
                secret: {token: aGVsbG8=}
              - name: data
                azureFile: {sharename: shop-data, storageAccountName: x, storageAccountKey: y}
            """;

    private static DocumentException refused(String text) {
        return assertThrows(DocumentException.class, () -> GroupSpec.parse(text));
    }

    @Test
    void readsTheReferenceExampleWithKeysInAnyCase() {
        GroupSpec spec = GroupSpec.parse(EXAMPLE);
        assertEquals("shop-cg", spec.name());
        assertEquals("2021-10-01", spec.apiVersion(), "an unquoted date stays the text written");
        assertEquals(GroupSpec.RestartPolicy.OnFailure, spec.restartPolicy());
        assertEquals(List.of("init-schema"), spec.initContainers().stream().map(GroupSpec.Container::name).toList());
        GroupSpec.Container api = spec.containers().get(0);
        assertEquals(List.of("java", "-jar", "/app.jar"), api.command());
        assertEquals(new GroupSpec.Resources(1.0, 1.5), api.requests(), "memoryInGb matches memoryInGB");
        assertTrue(api.env().get(1).secure());
        assertEquals(8080, api.liveness().port());
        assertEquals(List.of("cat", "/tmp/ready"), spec.containers().get(1).readiness().exec());
        assertEquals(List.of(new GroupSpec.Port(8080, "TCP")), spec.publicPorts());
        assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), spec.volumes().get(1).secret().get("token"));
        assertEquals("shop-data", spec.volumes().get(2).shareName());
    }

    @Test
    void readsJsonToo() {
        GroupSpec spec = GroupSpec.parse("""
                {"name": "one", "properties": {"containers": [{"name": "c", "properties": {"image": "busybox",
                 "resources": {"requests": {"cpu": 1, "memoryInGB": 1}}}}]}}""");
        assertEquals(GroupSpec.RestartPolicy.Always, spec.restartPolicy());
    }

    @Test
    void refusesWhatCannotRunWithLineAndColumn() {
        DocumentException unknownVolume = refused(EXAMPLE.replace("{name: data, mountPath", "{name: nope, mountPath"));
        assertTrue(unknownVolume.getMessage().contains("no volume named 'nope'"), unknownVolume.getMessage());
        assertEquals(30, unknownVolume.line());
        DocumentException duplicatePort = refused(EXAMPLE.replace("image: registry/shop/sidecar:1",
                "image: registry/shop/sidecar:1\n      ports: [{port: 8080}]"));
        assertTrue(duplicatePort.getMessage().contains("both api and sidecar"), duplicatePort.getMessage());
        DocumentException limits = refused(EXAMPLE.replace("limits: {cpu: 1.5", "limits: {cpu: 2.5"));
        assertTrue(limits.getMessage().contains("ContainerLimitGreaterThanContainerGroupTotalRequest"));
        assertTrue(refused(EXAMPLE.replace("limits: {cpu: 1.5", "limits: {cpu: 0.5")).getMessage()
                .contains("at least the container's requests"));
        assertTrue(refused(EXAMPLE.replace("ports: [{port: 8080}]}", "ports: [{port: 9090}]}")).getMessage()
                .contains("no container lists it"));
        DocumentException unknownField = refused(EXAMPLE.replace("restartPolicy: OnFailure", "restartPolicy: OnFailure\n"
                + "  colour: blue"));
        assertEquals(9, unknownField.line());
        assertEquals(3, unknownField.column());
        assertTrue(refused(EXAMPLE.replace("tags: {team: payments}", "identity: {type: SystemAssigned}"))
                .getMessage().contains("not supported"));
        assertTrue(refused(EXAMPLE.replace("secret: {token: aGVsbG8=}", "secret: {token: '%%%'}")).getMessage()
                .contains("base64"));
        assertTrue(refused(EXAMPLE.replace("osType: Linux", "osType: Windows")).getMessage().contains("Linux"));
        assertTrue(refused(EXAMPLE.replace("mountPath: /scratch}]", "mountPath: ../x}]")).getMessage()
                .contains("absolute"));
    }

    @Test
    void enforcesTheGroupLimits() {
        StringBuilder many = new StringBuilder("name: big\nproperties:\n  containers:\n");
        for (int i = 0; i <= GroupSpec.MAX_CONTAINERS; i++) {
            many.append("  - {name: c").append(i).append(", properties: {image: busybox, resources: {requests:")
                    .append(" {cpu: 0.1, memoryInGB: 0.1}}}}\n");
        }
        assertTrue(refused(many.toString()).getMessage().contains("at most 60 containers"));
        StringBuilder volumes = new StringBuilder("name: vols\nproperties:\n  containers:\n  - {name: c, properties:"
                + " {image: busybox, resources: {requests: {cpu: 1, memoryInGB: 1}}}}\n  volumes:\n");
        for (int i = 0; i <= GroupSpec.MAX_VOLUMES; i++) {
            volumes.append("  - {name: vol-").append(i).append("x, emptyDir: {}}\n");
        }
        assertTrue(refused(volumes.toString()).getMessage().contains("at most 20 volumes"));
    }
}
