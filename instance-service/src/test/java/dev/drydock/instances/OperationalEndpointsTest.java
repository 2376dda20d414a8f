package dev.drydock.instances;

import dev.drydock.devstack.RegistryTestResource;
import dev.drydock.devstack.contract.OperationalEndpointsContract;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(value = RegistryTestResource.class, scope = TestResourceScope.GLOBAL)
class OperationalEndpointsTest extends OperationalEndpointsContract {
}
