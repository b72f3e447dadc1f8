package dev.newsstream;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyWriter;
import jakarta.ws.rs.ext.Provider;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

/**
 * Writes every JSON response with {@link JsonFormat}, the same shape as the stream's events. It also
 * keeps responses away from Payara's shared JSON-B context resolver, which is not thread-safe on a
 * fresh boot: two JSON answers written at the same moment could fail with a
 * ConcurrentModificationException (seen by the browser tests loading two lists at once).
 */
@Provider
@Produces(MediaType.APPLICATION_JSON)
@Priority(Priorities.ENTITY_CODER) // ahead of the container's JSON-B writer, which is registered like an application provider
public class JsonBodyWriter implements MessageBodyWriter<Object> {

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return !CharSequence.class.isAssignableFrom(type) && !byte[].class.equals(type)
                && !InputStream.class.isAssignableFrom(type) && !jakarta.ws.rs.core.StreamingOutput.class.isAssignableFrom(type);
    }

    @Override
    public void writeTo(Object value, Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType,
                        MultivaluedMap<String, Object> headers, OutputStream out) throws java.io.IOException {
        try {
            out.write(JsonFormat.toJson(value).getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new WebApplicationException("could not write JSON for " + type.getSimpleName(), e);
        }
    }
}
