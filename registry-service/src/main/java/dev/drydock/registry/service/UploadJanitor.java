package dev.drydock.registry.service;

import dev.drydock.registry.config.RegistryConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** Hourly, removes uploads nobody touched within the expiry, so abandoned pushes do not fill the disk. */
@ApplicationScoped
public class UploadJanitor {

    private static final Logger LOG = Logger.getLogger(UploadJanitor.class);

    private final BlobUploads uploads;
    private final RegistryConfig config;

    UploadJanitor(BlobUploads uploads, RegistryConfig config) {
        this.uploads = uploads;
        this.config = config;
    }

    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> purge() {
        return uploads.purgeAbandoned(config.uploadExpiry())
                .invoke(count -> {
                    if (count > 0) {
                        LOG.infof("removed %d abandoned uploads (untouched for %s)", count, config.uploadExpiry());
                    }
                })
                .replaceWithVoid();
    }
}
