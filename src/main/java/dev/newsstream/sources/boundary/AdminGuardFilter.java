package dev.newsstream.sources.boundary;

import dev.newsstream.http.Problem;
import dev.newsstream.sources.control.AdminSettings;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Changing the sources (adding, removing, importing) is for the operator: with
 * {@code newsstream.admin.token} set it needs {@code Authorization: Bearer <token>} (401 otherwise);
 * without one it is answered only for requests from the machine itself (loopback, and no proxy header
 * saying it came from elsewhere), 403 otherwise. Reading the sources and an import's progress is open.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION)
public class AdminGuardFilter implements ContainerRequestFilter {

    @Inject
    AdminSettings settings;

    @Context
    HttpServletRequest servletRequest;

    @Override
    public void filter(ContainerRequestContext request) {
        if (!changesSources(request)) return;
        if (settings.token().isPresent()) {
            String given = request.getHeaderString(HttpHeaders.AUTHORIZATION);
            String expected = "Bearer " + settings.token().get();
            if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                    expected.getBytes(StandardCharsets.UTF_8))) {
                request.abortWith(Response.fromResponse(Problem.response(Response.Status.UNAUTHORIZED,
                        "Changing the sources needs 'Authorization: Bearer <newsstream.admin.token>'"))
                        .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build());
            }
            return;
        }
        if (!fromThisMachine(request)) {
            request.abortWith(Problem.response(Response.Status.FORBIDDEN,
                    "Changing the sources is allowed from this machine only unless newsstream.admin.token is set"));
        }
    }

    /** POST /sources, DELETE /sources/{name}, POST /sources/import: everything that changes the list. */
    static boolean changesSources(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (path.startsWith("/")) path = path.substring(1);
        if (!(path.equals("sources") || path.startsWith("sources/"))) return false;
        String method = request.getMethod();
        return !("GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method));
    }

    private boolean fromThisMachine(ContainerRequestContext request) {
        // a reverse proxy on this machine makes every request look local: trust loopback only without its headers
        if (request.getHeaderString("Forwarded") != null || request.getHeaderString("X-Forwarded-For") != null
                || request.getHeaderString("X-Real-IP") != null) {
            return false;
        }
        try {
            String remote = servletRequest.getRemoteAddr();
            return remote != null && InetAddress.getByName(remote).isLoopbackAddress();
        } catch (UnknownHostException | RuntimeException e) {
            return false;
        }
    }
}
