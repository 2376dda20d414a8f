package dev.drydock.operations;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * What the REST layer itself refuses (a body that is no JSON or has unknown fields, a wrong method or media type,
 * no such resource) answered with a JSON body that names the problem, in the shape of the path
 * ({@link ErrorBodies}); every service's own mappers handle their domain's exceptions.
 */
public class RestErrors {

    @ServerExceptionMapper
    public Response web(WebApplicationException e, HttpServerRequest request) {
        Response given = e.getResponse();
        if (given.hasEntity()) {
            return given;
        }
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof JsonProcessingException json) {
                return unreadable(json, request);
            }
        }
        int status = given.getStatus();
        String message = switch (status) {
            case 404 -> "nothing here: " + request.path();
            case 405 -> request.method() + " is not allowed on " + request.path();
            case 415 -> "Content-Type " + request.getHeader("Content-Type") + " is not accepted here";
            case 406 -> "no representation matches Accept: " + request.getHeader("Accept");
            default -> e.getMessage();
        };
        return body(request, status, ErrorBodies.code(status), message);
    }

    @ServerExceptionMapper
    public Response unreadable(JsonProcessingException e, HttpServerRequest request) {
        String message = e instanceof UnrecognizedPropertyException u
                ? "unknown field '" + u.getPropertyName() + "'"
                : "the body is not valid JSON for this request: " + e.getOriginalMessage();
        return body(request, 400, "InvalidRequestBody", message);
    }

    /** Quarkus maps this subtype itself; naming it here keeps one error shape. */
    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e, HttpServerRequest request) {
        return unreadable(e, request);
    }

    private static Response body(HttpServerRequest request, int status, String code, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ErrorBodies.of(request.path(), status, code, message).encode()).build();
    }
}
