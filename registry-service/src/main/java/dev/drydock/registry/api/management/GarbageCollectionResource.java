package dev.drydock.registry.api.management;

import dev.drydock.registry.config.RegistryConfig;
import dev.drydock.registry.domain.Refusal;
import dev.drydock.registry.service.GarbageCollector;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * POST /api/v1/gc: one garbage collection now, across registries (it also runs every drydock.registry.gc.interval).
 * {@code grace} (ISO-8601, e.g. PT1H) overrides the configured grace for this run.
 */
@Path("/api/v1/gc")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class GarbageCollectionResource {

    private final GarbageCollector collector;
    private final RegistryConfig config;

    GarbageCollectionResource(GarbageCollector collector, RegistryConfig config) {
        this.collector = collector;
        this.config = config;
    }

    static final Duration LONGEST_GRACE = Duration.ofDays(3650);

    @POST
    public Uni<GarbageCollector.Collected> collect(@QueryParam("grace") String grace) {
        Duration g;
        try {
            g = grace == null ? config.gc().grace() : Duration.parse(grace);
        } catch (DateTimeParseException e) {
            throw Refusal.invalid("grace is an ISO-8601 duration such as PT1H, not '" + grace + "'");
        }
        if (g.isNegative()) {
            throw Refusal.invalid("grace cannot be negative");
        }
        if (g.compareTo(LONGEST_GRACE) > 0) {
            // now minus an absurd grace is before the first instant a timestamp can hold
            throw Refusal.invalid("grace is at most " + LONGEST_GRACE.toDays() + " days, not " + grace);
        }
        return collector.collect(g).onFailure(IllegalStateException.class)
                .transform(e -> new Refusal(Refusal.Kind.CONFLICT, e.getMessage()));
    }
}
