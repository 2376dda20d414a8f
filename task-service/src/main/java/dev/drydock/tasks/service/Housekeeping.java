package dev.drydock.tasks.service;

import dev.drydock.tasks.config.TasksConfig;
import dev.drydock.tasks.persistence.RunLogs;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** Removes run logs past their retention; run records stay, as ACR's do. */
@ApplicationScoped
public class Housekeeping {

    private static final Logger LOG = Logger.getLogger(Housekeeping.class);

    private final RunLogs logs;
    private final TasksConfig config;

    Housekeeping(RunLogs logs, TasksConfig config) {
        this.logs = logs;
        this.config = config;
    }

    @Scheduled(every = "1h", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> removeOldLogs() {
        return logs.deleteFinishedBefore(config.logRetention()).invoke(deleted -> {
            if (deleted > 0) {
                LOG.infof("removed %d log chunk(s) of runs finished more than %s ago", deleted, config.logRetention());
            }
        }).replaceWithVoid();
    }
}
