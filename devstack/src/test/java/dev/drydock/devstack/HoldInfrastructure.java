package dev.drydock.devstack;

import java.nio.file.Path;
import java.time.Duration;

/** Started by {@link SupervisionTest} in a JVM of its own, which the test then kills with SIGKILL. */
public final class HoldInfrastructure {

    private HoldInfrastructure() {
    }

    public static void main(String[] args) throws InterruptedException {
        Infrastructure infra = Infrastructure.start(Path.of(args[0]), 0, 0, false, Duration.ofSeconds(90));
        System.out.println("READY " + infra.postgres().pid() + " " + infra.kafka().pid());
        System.out.flush();
        Thread.currentThread().join();
    }
}
