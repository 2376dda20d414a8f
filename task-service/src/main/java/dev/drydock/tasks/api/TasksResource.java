package dev.drydock.tasks.api;

import dev.drydock.tasks.persistence.Runs;
import dev.drydock.tasks.service.RegistryAccess;
import dev.drydock.tasks.service.Requests;
import dev.drydock.tasks.service.TaskCredentials;
import dev.drydock.tasks.service.TaskService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Map;

/** Saved tasks: {@code az acr task create/show/list/update/delete/run}. */
@Path("/api/v1/registries/{registry}/tasks")
@Produces(MediaType.APPLICATION_JSON)
public class TasksResource {

    private final TaskService tasks;
    private final TaskCredentials credentials;
    private final RegistryAccess access;

    TasksResource(TaskService tasks, TaskCredentials credentials, RegistryAccess access) {
        this.tasks = tasks;
        this.credentials = credentials;
        this.access = access;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> create(@PathParam("registry") String registry, Requests.TaskRequest request) {
        return tasks.create(RunsResource.normal(registry), RunsResource.required(request))
                .map(task -> Response.status(Response.Status.CREATED).entity(Views.task(task)).build());
    }

    @GET
    public Uni<List<Map<String, Object>>> list(@PathParam("registry") String registry) {
        return tasks.list(RunsResource.normal(registry)).map(all -> all.stream().map(Views::task).toList());
    }

    @GET
    @Path("/{name}")
    public Uni<Map<String, Object>> show(@PathParam("registry") String registry, @PathParam("name") String name) {
        return tasks.find(RunsResource.normal(registry), name).map(task -> Views.task(found(task, name)));
    }

    @PATCH
    @Path("/{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Map<String, Object>> update(@PathParam("registry") String registry, @PathParam("name") String name,
            Requests.TaskRequest request) {
        return tasks.update(RunsResource.normal(registry), name, RunsResource.required(request))
                .map(task -> Views.task(found(task, name)));
    }

    @DELETE
    @Path("/{name}")
    public Uni<Response> delete(@PathParam("registry") String registry, @PathParam("name") String name) {
        return tasks.delete(RunsResource.normal(registry), name).map(deleted -> {
            if (!deleted) {
                throw new NotFoundException("no task " + name);
            }
            return Response.noContent().build();
        });
    }

    /** The task's credentials for other registries ({@code az acr task credential list}): no passwords. */
    @GET
    @Path("/{name}/credentials")
    public Uni<Map<String, Object>> credentials(@PathParam("registry") String registry,
            @PathParam("name") String name) {
        return tasks.find(RunsResource.normal(registry), name)
                .map(task -> TaskCredentials.view(found(task, name).credentials()));
    }

    /** Adds or replaces a credential ({@code az acr task credential add|update}). */
    @PUT
    @Path("/{name}/credentials/{server}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Map<String, Object>> putCredential(@PathParam("registry") String registry,
            @PathParam("name") String name, @PathParam("server") String server,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, TaskCredentials.Credential credential) {
        String r = RunsResource.normal(registry);
        return access.isAdministrator(r, authorization)
                .chain(administrator -> credentials.put(r, name, server, credential, administrator))
                .map(task -> TaskCredentials.view(found(task, name).credentials()));
    }

    @DELETE
    @Path("/{name}/credentials/{server}")
    public Uni<Response> removeCredential(@PathParam("registry") String registry, @PathParam("name") String name,
            @PathParam("server") String server) {
        return credentials.remove(RunsResource.normal(registry), name, server).map(removed -> {
            if (!removed) {
                throw new NotFoundException("task " + name + " has no credential for " + server);
            }
            return Response.noContent().build();
        });
    }

    /** Runs the task now, with optional overrides ({@code az acr task run}). */
    @POST
    @Path("/{name}/runs")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> run(@PathParam("registry") String registry, @PathParam("name") String name,
            Requests.TaskRunRequest overrides) {
        return tasks.run(RunsResource.normal(registry), name, overrides).map(run -> RunsResource.accepted(
                found(run, name)));
    }

    private static <T> T found(T value, String name) {
        if (value == null) {
            throw new NotFoundException("no task " + name);
        }
        return value;
    }
}
