package dev.drydock.registry.service;

import dev.drydock.registry.domain.Refusal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * Which upstream registries the artifact cache may call. Loopback and link-local addresses are where this host's
 * own services and a cloud's metadata service answer, so a rule may name them only when the operator listed the
 * host ({@code drydock.registry.cache.local-upstreams}); private networks are where self-hosted registries live
 * and stay allowed. The check runs when a rule is made and again before every fill, as a name may move.
 */
final class UpstreamHosts {

    private UpstreamHosts() {
    }

    /** Resolves {@code authority} (host[:port]); blocking. @throws Refusal when it may not be called */
    static void check(String authority, List<String> allowed) {
        String a = authority.toLowerCase(Locale.ROOT);
        String host = a.startsWith("[") ? a.substring(1, a.indexOf(']')) : a.replaceFirst(":[0-9]+$", "");
        if (allowed.contains(a) || allowed.contains(host)) {
            return;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            // nothing to reach yet: a rule may be made while DNS is down, and a fill then fails to connect
            return;
        }
        for (InetAddress address : addresses) {
            if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isAnyLocalAddress()
                    || address.isMulticastAddress()) {
                throw Refusal.invalid("the upstream registry " + authority + " is at " + address.getHostAddress()
                        + ", a loopback or link-local address; list it in drydock.registry.cache.local-upstreams"
                        + " to allow it");
            }
        }
    }
}
