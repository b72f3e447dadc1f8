package dev.newsstream.http;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The one error shape of the API, {@code {"detail": "..."}}, as the original app answered. */
public record Problem(String detail) {

    public static Response response(Response.Status status, String detail) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new Problem(detail)).build();
    }

    public static WebApplicationException badRequest(String detail) {
        return new WebApplicationException(response(Response.Status.BAD_REQUEST, detail));
    }

    public static WebApplicationException notFound(String detail) {
        return new WebApplicationException(response(Response.Status.NOT_FOUND, detail));
    }
}
