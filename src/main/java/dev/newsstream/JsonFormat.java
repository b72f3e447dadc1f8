package dev.newsstream;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.config.PropertyNamingStrategy;
import jakarta.json.bind.config.PropertyOrderStrategy;

/**
 * The one JSON shape of the service: Java records in camelCase become the snake_case fields of the
 * original app's protocol ({@code stream_id}, {@code source_stat}); nulls are written, not dropped,
 * so clients always see every field. Jsonb is thread-safe, so one instance serves everyone.
 */
public final class JsonFormat {

    public static final Jsonb JSONB = JsonbBuilder.create(new JsonbConfig()
            .withPropertyNamingStrategy(PropertyNamingStrategy.LOWER_CASE_WITH_UNDERSCORES)
            .withPropertyOrderStrategy(PropertyOrderStrategy.ANY)
            .withNullValues(true)
            .withAdapters(new FeedStatusAdapter()));

    private JsonFormat() {
    }

    public static String toJson(Object value) {
        return JSONB.toJson(value);
    }
}
