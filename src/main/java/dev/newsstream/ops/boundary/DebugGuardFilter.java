package dev.newsstream.ops.boundary;

import dev.newsstream.http.Problem;
import dev.newsstream.ops.control.OpsSettings;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;

/**
 * {@code /debug/*} can be switched off ({@code newsstream.debug.enabled=false}: 404) or put behind a
 * bearer token ({@code newsstream.debug.token}: 401 without it), since stack traces show internals.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION)
public class DebugGuardFilter implements ContainerRequestFilter {

    @Inject
    OpsSettings settings;

    @Override
    public void filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!(path.equals("debug") || path.startsWith("debug/") || path.startsWith("/debug"))) return;
        if (!settings.debugEnabled()) {
            request.abortWith(Problem.response(Response.Status.NOT_FOUND, "Not found"));
            return;
        }
        settings.debugToken().ifPresent(token -> {
            String given = request.getHeaderString(HttpHeaders.AUTHORIZATION);
            String expected = "Bearer " + token;
            if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                    expected.getBytes(StandardCharsets.UTF_8))) {
                request.abortWith(Response.fromResponse(Problem.response(Response.Status.UNAUTHORIZED,
                        "The debug endpoints need 'Authorization: Bearer <newsstream.debug.token>'"))
                        .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build());
            }
        });
    }
}
