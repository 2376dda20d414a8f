package dev.drydock.registry;

import dev.drydock.devstack.DevStackTestResource;
import dev.drydock.devstack.contract.OperationalEndpointsContract;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(value = DevStackTestResource.class, scope = TestResourceScope.GLOBAL)
class OperationalEndpointsTest extends OperationalEndpointsContract {
}
