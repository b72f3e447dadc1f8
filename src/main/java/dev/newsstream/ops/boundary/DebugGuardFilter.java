package dev.newsstream.ops.boundary;

import dev.newsstream.http.Problem;
import dev.newsstream.ops.control.DebugAccess;
import dev.newsstream.ops.control.OpsSettings;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.lang.reflect.Method;
import java.util.List;

/**
 * Guards every {@code /debug/*} resource (they name sources, URLs, threads and stacks): 404 when
 * {@code newsstream.debug.enabled=false}; with {@code newsstream.debug.token}, 401 without the bearer
 * token; without a token, 403 unless the client is on this machine ({@link DebugAccess}).
 *
 * <p>It runs after matching and asks which resource was matched, not what the path looks like: every
 * spelling the container routes to a debug resource ({@code //debug}, {@code /debug;x=1},
 * {@code /%64ebug}, {@code /news/../debug}, a trailing slash…) meets the guard, because the guard is
 * attached to where the request goes, not to how it was written. A new resource under
 * {@code @Path("debug/...")} is guarded without anyone remembering to.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
public class DebugGuardFilter implements ContainerRequestFilter {

    @Inject
    OpsSettings settings;

    @Context
    ResourceInfo resource;

    @Context
    HttpServletRequest servletRequest;

    @Override
    public void filter(ContainerRequestContext request) {
        if (!isDebugResource(resource.getResourceClass(), resource.getResourceMethod())
                && !isDebugPath(request.getUriInfo().getMatchedURIs())) {
            return;
        }
        DebugAccess.Decision decision = new DebugAccess(settings.debugEnabled(), settings.debugToken()).decide(caller(request));
        switch (decision.verdict()) {
            case ALLOW -> { }
            case NOT_FOUND -> request.abortWith(Problem.response(Response.Status.NOT_FOUND, decision.detail()));
            case UNAUTHORIZED -> request.abortWith(Response.fromResponse(
                    Problem.response(Response.Status.UNAUTHORIZED, decision.detail()))
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build());
            case FORBIDDEN -> request.abortWith(Problem.response(Response.Status.FORBIDDEN, decision.detail()));
        }
    }

    private DebugAccess.Caller caller(ContainerRequestContext request) {
        boolean forwarded = request.getHeaderString("Forwarded") != null || request.getHeaderString("X-Forwarded-For") != null
                || request.getHeaderString("X-Real-IP") != null;
        return new DebugAccess.Caller(servletRequest.getRemoteAddr(), request.getHeaderString(HttpHeaders.HOST),
                request.getHeaderString(HttpHeaders.AUTHORIZATION), request.getHeaderString("Origin"),
                request.getHeaderString("Sec-Fetch-Site"), forwarded);
    }

    /** A resource whose class (or method) template starts with the segment {@code debug}. */
    static boolean isDebugResource(Class<?> type, Method method) {
        if (type == null) return false;
        Class<?> annotated = type;
        while (annotated.getSuperclass() != null && !annotated.isAnnotationPresent(Path.class)) {
            annotated = annotated.getSuperclass(); // a container's proxy subclass carries no @Path of its own
        }
        String template = pathOf(annotated.getAnnotation(Path.class)) + "/" + (method == null ? "" : pathOf(method.getAnnotation(Path.class)));
        String first = template.replaceAll("^/+", "").split("/", 2)[0];
        return first.equalsIgnoreCase("debug");
    }

    /**
     * What was matched, root-most last, for the methods JAX-RS adds on its own ({@code OPTIONS}): their
     * handler is the runtime's, not the resource class, but the path they matched is the resource's.
     */
    static boolean isDebugPath(List<String> matchedUris) {
        if (matchedUris == null || matchedUris.isEmpty()) return false;
        String root = matchedUris.get(matchedUris.size() - 1).replaceAll("^/+", "");
        String first = root.split("[/;]", 2)[0];
        return first.equalsIgnoreCase("debug");
    }

    private static String pathOf(Path path) {
        return path == null ? "" : path.value();
    }
}
