package dev.newsstream.http;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Which other origins may use the API and the stream from a browser: those listed in
 * {@code newsstream.cors.allowed-origins} (comma-separated {@code scheme://host[:port]}, or {@code *}),
 * none by default, so cross-origin use is a choice someone made. No credentials are ever allowed (the
 * service has no cookies), and the debug surface stays out of reach ({@code Authorization} is not an
 * allowed request header; its guard refuses cross-site browser requests anyway).
 */
@ApplicationScoped
public class CorsPolicy {

    private static final Logger LOG = Logger.getLogger(CorsPolicy.class.getName());

    /** Safe methods plus POST /cache/refresh; nothing else exists to call cross-origin. */
    public static final String ALLOWED_METHODS = "GET, HEAD, POST";
    /** {@code Last-Event-ID} so a fetch()-based stream client can resume; the rest are what such a client sends. */
    public static final String ALLOWED_HEADERS = "Accept, Accept-Language, Content-Language, Content-Type, Cache-Control, Last-Event-ID";
    /** {@code X-Stream-ID} names a stream; {@code Retry-After} comes with 429 and 503. */
    public static final String EXPOSED_HEADERS = "X-Stream-ID, Retry-After";
    /** How long a browser may cache a preflight answer (seconds): a list that changes needs a restart anyway. */
    public static final String MAX_AGE = "600";

    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST");

    @Inject
    @ConfigProperty(name = "newsstream.cors.allowed-origins")
    Optional<String> configured;

    private Set<String> origins = Set.of();
    private boolean anyOrigin;

    void checkAtStart(@Observes @Initialized(ApplicationScoped.class) Object start) {
        // observing start-up makes a bad list fail the deployment with its message, not the first request
    }

    @PostConstruct
    void init() {
        origins = parse(configured.orElse(""));
        anyOrigin = origins.contains("*");
        if (!origins.isEmpty()) LOG.info(() -> "Cross-origin requests allowed from " + origins);
    }

    /** Normalised origins of a {@code newsstream.cors.allowed-origins} value; a malformed entry is refused with its reason. */
    public static Set<String> parse(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(CorsPolicy::normalise)
                .collect(Collectors.toUnmodifiableSet());
    }

    private static String normalise(String entry) {
        if (entry.equals("*")) return entry;
        String problem = "newsstream.cors.allowed-origins: '" + entry + "' is not an origin (scheme://host[:port], or *)";
        URI uri;
        try {
            uri = URI.create(entry.endsWith("/") ? entry.substring(0, entry.length() - 1) : entry);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(problem, e);
        }
        boolean web = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
        if (!web || uri.getHost() == null || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())
                || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(problem);
        }
        return uri.toString().toLowerCase(Locale.ROOT);
    }

    /** True when any origin is configured: responses then vary by {@code Origin}. */
    public boolean enabled() {
        return !origins.isEmpty();
    }

    public boolean allows(String origin) {
        if (origin == null || origins.isEmpty()) return false;
        return anyOrigin ? !origin.equals("null") : origins.contains(origin.trim().toLowerCase(Locale.ROOT));
    }

    public static boolean allowsMethod(String method) {
        return method != null && METHODS.contains(method.trim().toUpperCase(Locale.ROOT));
    }
}
