package dev.drydock.operations;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * HTTP metrics name a request by its route's template. A request that never reached a REST resource (refused by an
 * access filter before matching, or matching none) would be named by its raw path, which carries tenants' names and
 * whatever junk a stranger sends, and fills the URI tag limit: such requests are all named {@value #UNMATCHED}. A
 * matched REST resource replaces the name with its template; routes of a service's own name theirs with
 * {@link #name}.
 */
@ApplicationScoped
public class RouteTemplates {

    /** The request context local Quarkus' HTTP server metrics take the URI tag from. */
    static final String TEMPLATE = "UrlPathTemplate";
    static final String UNMATCHED = "/{unmatched}";

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(RouteTemplates::unmatched);
    }

    private static void unmatched(RoutingContext ctx) {
        if (!ctx.request().path().startsWith("/q/")) {
            name(UNMATCHED);
        }
        ctx.next();
    }

    /** Names the current request in HTTP metrics (called on its event loop). */
    public static void name(String template) {
        Context context = Vertx.currentContext();
        if (context != null) {
            context.putLocal(TEMPLATE, template);
        }
    }
}
