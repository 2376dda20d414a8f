package dev.drydock.registry.domain;

/**
 * Who caused a change and through which request, as events and webhook payloads report it.
 *
 * @param actor     the identity (until authentication exists: "anonymous"; "import" for server-side copies)
 * @param host      the Host the request addressed
 * @param method    the HTTP method
 * @param userAgent the client's User-Agent, or null
 */
public record Origin(String actor, String host, String method, String userAgent) {
}
