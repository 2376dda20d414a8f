package dev.drydock.instances.domain;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GroupDocumentTest {

    private static final String GROUP = """
            name: shop
            properties:
              autoUpdate: true
              imageRegistryCredentials: [{server: 'other.example:5000', username: u, password: registry-pass}]
              containers:
              - name: api
                properties:
                  image: registry/shop/api:1
                  args: [serve, --port, "8080"]
                  ports: [{port: 8080}]
                  environmentVariables:
                  - {name: MODE, value: plain}
                  - {name: TOKEN, secureValue: hunter2}
                  resources: {requests: {cpu: 1, memoryInGB: 1}}
                  volumeMounts: [{name: keys, mountPath: /keys}]
                  livenessProbe: {httpGet: {path: /health, port: 8080}, periodSeconds: 5}
              volumes:
              - name: keys
                secret: {key: c2VjcmV0LWtleQ==}
            """;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theStoredFormParsesToTheSameSpecWithItsSecrets() throws Exception {
        GroupSpec spec = GroupSpec.parse(GROUP);
        GroupSpec again = GroupSpec.parse(JSON.writeValueAsString(GroupDocument.render(spec, true)));
        assertEquals(spec.containers(), again.containers());
        assertEquals(spec.registryCredentials(), again.registryCredentials());
        assertTrue(again.autoUpdate());
        assertEquals(List.of("serve", "--port", "8080"), again.containers().get(0).args());
        assertArrayEquals("secret-key".getBytes(), again.volumes().get(0).secret().get("key"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theShownFormHasNoSecureValueSecretOrPassword() throws Exception {
        Map<String, Object> shown = GroupDocument.render(GroupSpec.parse(GROUP), false);
        String text = JSON.writeValueAsString(shown) + GroupDocument.yaml(shown);
        for (String secret : List.of("hunter2", "c2VjcmV0LWtleQ==", "secret-key", "registry-pass")) {
            assertFalse(text.contains(secret), secret);
        }
        Map<String, Object> properties = (Map<String, Object>) shown.get("properties");
        Map<String, Object> api = (Map<String, Object>) ((List<Object>) properties.get("containers")).get(0);
        List<Map<String, Object>> env = (List<Map<String, Object>>) ((Map<String, Object>) api.get("properties"))
                .get("environmentVariables");
        assertEquals("TOKEN", env.get(1).get("name"));
        assertNull(env.get(1).get("secureValue"));
        assertEquals(GroupDocument.API_VERSION, shown.get("apiVersion"));
    }
}
