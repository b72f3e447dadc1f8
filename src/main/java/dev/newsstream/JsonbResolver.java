package dev.newsstream;

import jakarta.json.bind.Jsonb;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;

/** Makes every JSON response use the same field names as the stream's events. */
@Provider
public class JsonbResolver implements ContextResolver<Jsonb> {
    @Override
    public Jsonb getContext(Class<?> type) {
        return JsonFormat.JSONB;
    }
}
