package dev.newsstream.http;

import jakarta.inject.Inject;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Answers CORS preflights and adds the CORS headers for the origins {@link CorsPolicy} allows. A servlet
 * filter rather than a JAX-RS one because the headers must be on the response before anything commits
 * it, and an event stream commits its headers with its first frame, outside any JAX-RS response filter.
 * It sets headers and steps aside; it never reads or wraps a body, so it costs a stream nothing.
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true)
public class CorsFilter implements Filter {

    @Inject
    CorsPolicy policy;

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        if (!policy.enabled() || !(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        response.addHeader("Vary", "Origin"); // the same URL answers differently per origin: caches must know
        String origin = request.getHeader("Origin");
        String preflightMethod = request.getHeader("Access-Control-Request-Method");
        if (origin != null && "OPTIONS".equalsIgnoreCase(request.getMethod()) && preflightMethod != null) {
            preflight(origin, preflightMethod, response);
            return;
        }
        if (policy.allows(origin)) {
            response.setHeader("Access-Control-Allow-Origin", origin);
            response.setHeader("Access-Control-Expose-Headers", CorsPolicy.EXPOSED_HEADERS);
        }
        chain.doFilter(req, res);
    }

    private void preflight(String origin, String method, HttpServletResponse response) throws IOException {
        if (!policy.allows(origin) || !CorsPolicy.allowsMethod(method)) {
            // no CORS headers: the browser blocks the real request; the body says why to whoever looks
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            String detail = policy.allows(origin) ? "cross-origin " + method + " is not allowed"
                    : "cross-origin requests from this origin are not allowed (newsstream.cors.allowed-origins)";
            response.getOutputStream().write(("{\"detail\":\"" + detail + "\"}").getBytes(StandardCharsets.UTF_8));
            return;
        }
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
        response.setHeader("Access-Control-Allow-Origin", origin);
        response.setHeader("Access-Control-Allow-Methods", CorsPolicy.ALLOWED_METHODS);
        response.setHeader("Access-Control-Allow-Headers", CorsPolicy.ALLOWED_HEADERS);
        response.setHeader("Access-Control-Max-Age", CorsPolicy.MAX_AGE);
    }
}
