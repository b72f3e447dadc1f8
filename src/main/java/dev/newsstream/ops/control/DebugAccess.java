package dev.newsstream.ops.control;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Who may read {@code /debug/*}: the decision alone, from what the request says about itself, so it can
 * be pinned down without a server. With a token configured, whoever sends it, from anywhere; without
 * one, only a client on this machine.
 *
 * <p>"On this machine" is decided from the socket's remote address, never from a header a client
 * writes. A request that carries {@code Forwarded}, {@code X-Forwarded-For} or {@code X-Real-IP} came
 * (or claims to come) through a proxy, and a proxy on the same host would make every visitor look
 * local: such a request is never local. A browser on this machine is local by address but may run a
 * hostile page: a {@code Host} that is not a loopback name (DNS rebinding) or a cross-site
 * {@code Origin}/{@code Sec-Fetch-Site} (a page elsewhere making the browser ask) is not local either.
 */
public record DebugAccess(boolean enabled, Optional<String> token) {

    public enum Verdict { ALLOW, NOT_FOUND, UNAUTHORIZED, FORBIDDEN }

    /** What the guard knows of a request; {@code remoteAddress} is the socket's, the rest are header values or null. */
    public record Caller(String remoteAddress, String host, String authorization, String origin, String fetchSite,
                         boolean forwarded) {
    }

    /** The verdict and, when refused, a sentence saying why (never the token). */
    public record Decision(Verdict verdict, String detail) {
    }

    private static final Set<String> SAME_ORIGIN_FETCHES = Set.of("same-origin", "none");

    public Decision decide(Caller caller) {
        if (!enabled) return new Decision(Verdict.NOT_FOUND, "Not found");
        if (token.isPresent()) {
            return bearerMatches(caller.authorization(), token.get())
                    ? new Decision(Verdict.ALLOW, null)
                    : new Decision(Verdict.UNAUTHORIZED, "The debug endpoints need 'Authorization: Bearer <newsstream.debug.token>'");
        }
        String notLocal = whyNotLocal(caller);
        return notLocal == null ? new Decision(Verdict.ALLOW, null)
                : new Decision(Verdict.FORBIDDEN, "The debug endpoints answer only to clients on this machine's loopback"
                        + " unless newsstream.debug.token is set; " + notLocal);
    }

    /** Null when the caller is a local client, else why not. */
    static String whyNotLocal(Caller caller) {
        if (!isLoopbackAddress(caller.remoteAddress())) return "this request came from " + caller.remoteAddress();
        if (caller.forwarded()) return "this request came through a proxy (Forwarded/X-Forwarded-For/X-Real-IP)";
        if (caller.host() != null && !isLoopbackHost(hostOf(caller.host()))) {
            return "its Host '" + caller.host() + "' is not a loopback name";
        }
        if (caller.origin() != null && !isLoopbackOrigin(caller.origin())) return "it was sent by a page on " + caller.origin();
        if (caller.fetchSite() != null && !SAME_ORIGIN_FETCHES.contains(caller.fetchSite().trim().toLowerCase(Locale.ROOT))) {
            return "it was sent by a page on another site (Sec-Fetch-Site: " + caller.fetchSite() + ")";
        }
        return null;
    }

    /** True only for an IP literal in 127.0.0.0/8 or ::1 (also IPv4-mapped); never looks a name up. */
    public static boolean isLoopbackAddress(String address) {
        if (address == null) return false;
        String literal = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        int zone = literal.indexOf('%');
        if (zone >= 0) literal = literal.substring(0, zone);
        boolean v4 = literal.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = literal.contains(":") && literal.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) return false; // a name: never looked up
        try {
            return InetAddress.getByName(literal).isLoopbackAddress(); // a literal: parsed, not resolved
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The host part of a Host header value: {@code [::1]:8080} → {@code ::1}, {@code localhost.:80} → {@code localhost}. */
    static String hostOf(String hostHeader) {
        String h = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(1, end);
        }
        int colon = h.indexOf(':');
        if (colon >= 0) h = h.substring(0, colon);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    static boolean isLoopbackHost(String host) {
        return host.equals("localhost") || isLoopbackAddress(host);
    }

    static boolean isLoopbackOrigin(String origin) {
        try {
            URI uri = URI.create(origin.trim());
            return uri.getHost() != null && ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    && isLoopbackHost(hostOf(uri.getHost()));
        } catch (IllegalArgumentException e) {
            return false; // "null" and other opaque origins
        }
    }

    /** {@code Bearer <token>} (scheme in any case), compared in constant time. */
    static boolean bearerMatches(String authorization, String token) {
        if (authorization == null) return false;
        String a = authorization.trim();
        if (a.length() < 7 || !a.regionMatches(true, 0, "Bearer ", 0, 7)) return false;
        return MessageDigest.isEqual(a.substring(7).trim().getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }
}
