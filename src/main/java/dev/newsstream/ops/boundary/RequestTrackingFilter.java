package dev.newsstream.ops.boundary;

import dev.newsstream.ops.control.RequestTracker;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;

/** Marks each request thread busy from request filter to response filter, for the watchdog. */
@Provider
public class RequestTrackingFilter implements ContainerRequestFilter, ContainerResponseFilter {

    private static final String KEY = "newsstream.request-id";

    @Inject
    RequestTracker tracker;

    @Override
    public void filter(ContainerRequestContext request) {
        request.setProperty(KEY, tracker.begin(request.getMethod() + " " + request.getUriInfo().getRequestUri().getPath()));
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getProperty(KEY) instanceof Long id) tracker.end(id);
    }
}
