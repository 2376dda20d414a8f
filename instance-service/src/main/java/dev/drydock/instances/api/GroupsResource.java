package dev.drydock.instances.api;

import dev.drydock.instances.domain.GroupDocument;
import dev.drydock.instances.service.GroupService;
import dev.drydock.instances.service.InvalidRequestException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Container groups, ACI's operations under /api/v1/containerGroups: create or replace from YAML or JSON, show,
 * list, delete, start, stop, restart, export, a container's logs (tail, timestamps, follow) and exec with
 * arguments.
 */
@Path("/api/v1/containerGroups")
@Produces(MediaType.APPLICATION_JSON)
public class GroupsResource {

    /** Largest group document accepted (ACI's are a few KB; secrets included). */
    static final int MAX_DOCUMENT = 1024 * 1024;
    private static final int MAX_EXEC_TIMEOUT = 3600;

    /**
     * What exec runs.
     *
     * @param command      the executable and its arguments
     * @param interactive  ACI's exec: a terminal over a WebSocket (answers webSocketUri and password)
     * @param terminalSize its rows and cols (24 × 80)
     */
    public record ExecRequest(List<String> command, Integer timeoutSeconds, Boolean interactive,
            TerminalSize terminalSize) {
    }

    public record TerminalSize(Integer rows, Integer cols) {
    }

    private final GroupService groups;
    private final ExecSessions sessions;

    GroupsResource(GroupService groups, ExecSessions sessions) {
        this.groups = groups;
        this.sessions = sessions;
    }

    @PUT
    @Path("/{name}")
    @Consumes({"application/yaml", "application/x-yaml", "text/yaml", MediaType.APPLICATION_JSON,
            MediaType.TEXT_PLAIN})
    public Uni<Response> put(@PathParam("name") String name, String document) {
        if (document == null || document.isBlank()) {
            throw new InvalidRequestException("the body is the container group's YAML or JSON document");
        }
        if (document.length() > MAX_DOCUMENT) {
            throw new InvalidRequestException("a container group document is at most " + MAX_DOCUMENT + " bytes");
        }
        return groups.apply(name, document).map(result -> Response.status(result.getValue() ? 201 : 200)
                .entity(Views.group(result.getKey(), true)).build());
    }

    @GET
    public Uni<Map<String, Object>> list() {
        return groups.list().map(Views::list);
    }

    @GET
    @Path("/{name}")
    public Uni<Map<String, Object>> show(@PathParam("name") String name) {
        return groups.find(name).map(shown -> Views.group(shown, true));
    }

    @DELETE
    @Path("/{name}")
    public Uni<Response> delete(@PathParam("name") String name) {
        return groups.delete(name).map(existed -> Response.status(existed ? 200 : 204).build());
    }

    @POST
    @Path("/{name}/start")
    public Uni<Response> start(@PathParam("name") String name) {
        return groups.start(name).map(shown -> Response.accepted(Views.group(shown, true)).build());
    }

    @POST
    @Path("/{name}/stop")
    public Uni<Map<String, Object>> stop(@PathParam("name") String name) {
        return groups.stop(name).map(shown -> Views.group(shown, true));
    }

    @POST
    @Path("/{name}/restart")
    public Uni<Response> restart(@PathParam("name") String name) {
        return groups.restart(name).map(shown -> Response.accepted(Views.group(shown, true)).build());
    }

    @GET
    @Path("/{name}/export")
    @Produces("application/yaml")
    public Uni<String> export(@PathParam("name") String name) {
        return groups.find(name).map(shown -> GroupDocument.yaml(GroupDocument.render(shown.spec(), false)));
    }

    /** ACI's answer, {@code {"content": "..."}}: the last {@code tail} lines, with their times when asked. */
    @GET
    @Path("/{name}/containers/{container}/logs")
    public Uni<Map<String, Object>> logs(@PathParam("name") String name, @PathParam("container") String container,
            @QueryParam("tail") @DefaultValue("-1") int tail, @QueryParam("timestamps") boolean timestamps) {
        return groups.logs(name, container, tail).map(lines -> Map.of("content", lines.stream()
                .map(line -> Views.line(line, timestamps) + "\n").collect(Collectors.joining())));
    }

    /** The same as a stream that stays open while the container runs: lines are sent as they are written. */
    @GET
    @Path("/{name}/containers/{container}/logs/stream")
    @Produces(MediaType.TEXT_PLAIN)
    public Multi<String> follow(@PathParam("name") String name, @PathParam("container") String container,
            @QueryParam("tail") @DefaultValue("-1") int tail, @QueryParam("timestamps") boolean timestamps) {
        return groups.follow(name, container, tail).map(line -> Views.line(line, timestamps) + "\n");
    }

    /** Runs a command with arguments (unlike ACI's exec, which takes one executable) and answers its output. */
    @POST
    @Path("/{name}/containers/{container}/exec")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Map<String, Object>> exec(@PathParam("name") String name, @PathParam("container") String container,
            ExecRequest request, @Context HttpServerRequest http) {
        if (request == null || request.command() == null || request.command().isEmpty()) {
            throw new InvalidRequestException("exec needs a command: [\"executable\", \"arg\", …]");
        }
        for (String argument : request.command()) {
            if (argument == null || argument.indexOf('\0') >= 0) {
                // no argv entry of any process can hold a NUL; ProcessBuilder would fail inside the service
                throw new InvalidRequestException("exec arguments are strings without NUL characters");
            }
        }
        if (Boolean.TRUE.equals(request.interactive())) {
            int rows = request.terminalSize() == null || request.terminalSize().rows() == null ? 24
                    : request.terminalSize().rows();
            int cols = request.terminalSize() == null || request.terminalSize().cols() == null ? 80
                    : request.terminalSize().cols();
            if (rows < 1 || rows > 1000 || cols < 1 || cols > 1000) {
                throw new InvalidRequestException("terminalSize rows and cols are 1 to 1000");
            }
            String base = (http.isSSL() ? "wss://" : "ws://") + http.authority();
            return groups.find(name).map(shown -> {
                ExecSessions.Opened opened = sessions.open(base, name, container, request.command(), rows, cols);
                return Map.of("webSocketUri", opened.webSocketUri(), "password", opened.password());
            });
        }
        int timeout = request.timeoutSeconds() == null ? 60 : request.timeoutSeconds();
        if (timeout < 1 || timeout > MAX_EXEC_TIMEOUT) {
            throw new InvalidRequestException("timeoutSeconds is 1 to " + MAX_EXEC_TIMEOUT);
        }
        return groups.exec(name, container, new ArrayList<>(request.command()), Duration.ofSeconds(timeout))
                .map(result -> Map.of("exitCode", result.exitCode(), "stdout", result.stdout(), "stderr",
                        result.stderr(), "timedOut", result.timedOut()));
    }
}
