package dev.drydock.tasks;

import dev.drydock.tasks.testing.TaskStackTestResource;
import dev.drydock.devstack.contract.OperationalEndpointsContract;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(value = TaskStackTestResource.class, scope = TestResourceScope.GLOBAL)
class OperationalEndpointsTest extends OperationalEndpointsContract {
}
