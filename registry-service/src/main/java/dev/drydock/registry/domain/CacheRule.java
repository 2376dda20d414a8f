package dev.drydock.registry.domain;

import dev.drydock.oci.RepositoryName;

import java.time.Instant;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An artifact cache rule (ACR's model): pulls of {@code targetRepository} in this registry that miss are filled from
 * {@code sourceRepository} upstream. Both are static paths, or both wildcards: {@code team/*} maps every repository
 * under {@code team/} onto the same path under the source's prefix, {@code *} maps the whole registry.
 *
 * @param sourceRepository {@code host[:port]/path} or {@code host[:port]/path/*} or {@code host[:port]/*}
 * @param credentialSet    the credential set's name, or null for anonymous pulls upstream
 */
public record CacheRule(long id, String name, String sourceRepository, String targetRepository, String credentialSet,
        Instant createdAt) {

    /** ACR's limit of rules per registry. */
    public static final int MAX_RULES = 1000;
    public static final String DOCKER_HUB = "docker.io";
    private static final Pattern HOST = Pattern.compile("[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?|\\[[0-9a-f:.]+\\](:[0-9]{1,5})?");
    /** ACR's names of cache rules and credential sets. */
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9-]{4,49}");

    public boolean wildcard() {
        return targetRepository.endsWith("*");
    }

    /** The upstream's login server, {@code host[:port]}. */
    public String sourceHost() {
        return sourceRepository.substring(0, sourceRepository.indexOf('/'));
    }

    /**
     * The upstream repository that {@code repository} of this registry is filled from, or null when this rule does
     * not cover it.
     */
    public String upstreamRepository(String repository) {
        String sourcePath = sourceRepository.substring(sourceRepository.indexOf('/') + 1);
        if (!wildcard()) {
            return repository.equals(targetRepository) ? sourcePath : null;
        }
        String prefix = prefix(targetRepository);
        if (!repository.startsWith(prefix) || repository.length() == prefix.length()) {
            return null;
        }
        String path = prefix(sourcePath) + repository.substring(prefix.length());
        // Docker Hub's official images live under library/, as docker pull nginx means library/nginx
        return sourceHost().equals(DOCKER_HUB) && !path.contains("/") ? "library/" + path : path;
    }

    /** Whether two wildcard targets overlap: the same path, or one contains the other (ACR refuses both). */
    public static boolean wildcardsOverlap(String a, String b) {
        String pa = prefix(a);
        String pb = prefix(b);
        return pa.startsWith(pb) || pb.startsWith(pa);
    }

    /** What a wildcard covers: "" for {@code *}, {@code team/} for {@code team/*}. */
    private static String prefix(String wildcard) {
        return wildcard.substring(0, wildcard.length() - 1);
    }

    /**
     * Checks a new rule's name, source and target and brings the source to its canonical form (Docker Hub's aliases
     * become {@code docker.io}, its official images get {@code library/}).
     *
     * @return the canonical source
     * @throws IllegalArgumentException naming what is wrong
     */
    public static String canonicalSource(String name, String source, String target) {
        checkName("cache rule", name);
        if (source == null || target == null) {
            throw new IllegalArgumentException("a cache rule needs sourceRepository and targetRepository");
        }
        boolean wildcardTarget = target.equals("*") || target.endsWith("/*");
        if (!(wildcardTarget ? target.equals("*") || RepositoryName.isValid(prefix(target) + "x")
                : RepositoryName.isValid(target))) {
            throw new IllegalArgumentException("targetRepository must be a repository name, name/* or *; got "
                    + target);
        }
        String s = source.strip().toLowerCase(Locale.ROOT).replaceFirst("^[a-z]+://", "");
        int slash = s.indexOf('/');
        if (slash <= 0) {
            throw new IllegalArgumentException("sourceRepository is host/repository, like docker.io/library/nginx;"
                    + " got " + source);
        }
        String host = canonicalHost(s.substring(0, slash));
        String path = s.substring(slash + 1);
        boolean wildcardSource = path.equals("*") || path.endsWith("/*");
        if (wildcardSource != wildcardTarget) {
            throw new IllegalArgumentException("a wildcard target needs a wildcard source and the other way round"
                    + " (dotnet/* => mcr.microsoft.com/dotnet/*); got " + target + " => " + source);
        }
        if (!(wildcardSource ? path.equals("*") || RepositoryName.isValid(prefix(path) + "x")
                : RepositoryName.isValid(path))) {
            throw new IllegalArgumentException("sourceRepository's path is no repository name: " + path);
        }
        if (host.equals(DOCKER_HUB) && !wildcardSource && !path.contains("/")) {
            path = "library/" + path;
        }
        return host + "/" + path;
    }

    /** ACR's rule for the names of cache rules and credential sets: 5 to 50 letters, digits and dashes. */
    public static void checkName(String what, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a " + what + "'s name is 5 to 50 letters, digits and dashes, starting"
                    + " with a letter or digit; got " + name);
        }
    }

    /** {@code host[:port]} of a registry, lower case, with Docker Hub's aliases made {@code docker.io}. */
    public static String canonicalHost(String value) {
        String host = value.strip().toLowerCase(Locale.ROOT).replaceFirst("^[a-z]+://", "").replaceFirst("/+$", "");
        if (!HOST.matcher(host).matches()) {
            throw new IllegalArgumentException("a registry is host[:port], like docker.io; got " + value);
        }
        return host.equals("index.docker.io") || host.equals("registry-1.docker.io") ? DOCKER_HUB : host;
    }
}
