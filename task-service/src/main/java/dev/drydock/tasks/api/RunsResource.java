package dev.drydock.tasks.api;

import dev.drydock.tasks.domain.RunStatus;
import dev.drydock.tasks.persistence.Runs;
import dev.drydock.tasks.service.InvalidRequestException;
import dev.drydock.tasks.service.Requests;
import dev.drydock.tasks.service.RunService;
import dev.drydock.tasks.service.Sources;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestStreamElementType;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Quick builds, quick runs and every run's record and log: {@code az acr build}, {@code az acr run},
 * {@code az acr task list-runs/show-run/logs/cancel-run}.
 */
@Path("/api/v1/registries/{registry}")
@Produces(MediaType.APPLICATION_JSON)
public class RunsResource {

    private final RunService runs;
    private final Sources sources;

    RunsResource(RunService runs, Sources sources) {
        this.runs = runs;
        this.sources = sources;
    }

    /** Uploads a build context (tar or tar.gz, streamed); the answer's sourceLocation names it in a build or run. */
    @POST
    @Path("/sources")
    @Consumes({"application/x-tar", "application/gzip", "application/x-gzip", MediaType.APPLICATION_OCTET_STREAM})
    @Blocking
    public Response upload(@PathParam("registry") String registry, InputStream archive) throws IOException {
        Sources.Stored stored = sources.store(normal(registry), archive);
        return Response.status(Response.Status.CREATED)
                .entity(Map.of("sourceLocation", stored.id(), "size", stored.bytes())).build();
    }

    @POST
    @Path("/builds")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> build(@PathParam("registry") String registry, Requests.BuildRequest request) {
        return runs.quickBuild(normal(registry), required(request)).map(RunsResource::accepted);
    }

    @POST
    @Path("/runs")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> run(@PathParam("registry") String registry, Requests.RunRequest request) {
        return runs.quickRun(normal(registry), required(request)).map(RunsResource::accepted);
    }

    @GET
    @Path("/runs")
    public Uni<List<Map<String, Object>>> list(@PathParam("registry") String registry, @QueryParam("task") String task,
            @QueryParam("status") String status, @QueryParam("image") String image,
            @QueryParam("top") @DefaultValue("15") int top) {
        if (top < 1 || top > 1000) {
            throw new InvalidRequestException("top is between 1 and 1000");
        }
        return runs.list(normal(registry), new Runs.Filter(task, status(status), image, top)).map(Views::runs);
    }

    @GET
    @Path("/runs/{runId}")
    public Uni<Map<String, Object>> show(@PathParam("registry") String registry, @PathParam("runId") String runId) {
        return found(registry, runId).map(Views::run);
    }

    @POST
    @Path("/runs/{runId}/cancel")
    public Uni<Response> cancel(@PathParam("registry") String registry, @PathParam("runId") String runId) {
        return runs.cancel(normal(registry), runId).map(run -> {
            if (run == null) {
                throw new NotFoundException("no run " + runId);
            }
            return accepted(run);
        });
    }

    /**
     * The run's log: plain text (chunked while {@code follow=true} and the run is live), or server-sent events
     * when the caller accepts text/event-stream.
     */
    @GET
    @Path("/runs/{runId}/logs")
    @Produces(MediaType.TEXT_PLAIN)
    public Multi<String> logs(@PathParam("registry") String registry, @PathParam("runId") String runId,
            @QueryParam("follow") @DefaultValue("false") boolean follow) {
        return found(registry, runId).onItem().transformToMulti(run -> runs.log(run, follow));
    }

    /** The same as server-sent events, a line each; only for callers that ask for text/event-stream. */
    @GET
    @Path("/runs/{runId}/logs")
    @Produces(MediaType.SERVER_SENT_EVENTS + ";qs=0.5")
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    public Multi<String> events(@PathParam("registry") String registry, @PathParam("runId") String runId,
            @QueryParam("follow") @DefaultValue("false") boolean follow) {
        return logs(registry, runId, follow).onItem().transformToIterable(text -> List.of(text.split("\n")));
    }

    private Uni<Runs.Run> found(String registry, String runId) {
        return runs.find(normal(registry), runId).map(run -> {
            if (run == null) {
                throw new NotFoundException("no run " + runId + " in registry " + registry);
            }
            return run;
        });
    }

    static Response accepted(Runs.Run run) {
        return Response.status(Response.Status.ACCEPTED).entity(Views.run(run)).build();
    }

    /** The registry's name as stored; anything that is no registry name (a path trick, say) is not found. */
    static String normal(String registry) {
        if (!registry.matches("[A-Za-z0-9]{1,50}")) {
            throw new NotFoundException("no registry " + registry);
        }
        return registry.toLowerCase(Locale.ROOT);
    }

    static <T> T required(T body) {
        if (body == null) {
            throw new InvalidRequestException("the request needs a JSON body");
        }
        return body;
    }

    private static RunStatus status(String text) {
        if (text == null) {
            return null;
        }
        try {
            return RunStatus.valueOf(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("status is one of " + List.of(RunStatus.values()) + ", got " + text);
        }
    }
}
