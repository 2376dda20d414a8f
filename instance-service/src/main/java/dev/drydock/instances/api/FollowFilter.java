package dev.drydock.instances.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.net.URI;

/**
 * {@code GET …/containers/{c}/logs?follow=true} is the logs call kept open (as {@code az container logs --follow}
 * wants it), answered by the streaming resource method: JAX-RS cannot choose a method by query parameter.
 */
public class FollowFilter {

    @ServerRequestFilter(preMatching = true)
    public void follow(ContainerRequestContext request) {
        URI uri = request.getUriInfo().getRequestUri();
        String path = uri.getRawPath();
        if (request.getMethod().equals("GET") && path.startsWith("/api/v1/containerGroups/") && path.endsWith("/logs")
                && "true".equalsIgnoreCase(request.getUriInfo().getQueryParameters().getFirst("follow"))) {
            request.setRequestUri(URI.create(path + "/stream" + (uri.getRawQuery() == null ? "" : "?"
                    + uri.getRawQuery())));
        }
    }
}
