package dev.newsstream.feed.control;

import dev.newsstream.feed.entity.FetchLimits;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Turns the {@code newsstream.fetch.*} knobs into one {@link FetchLimits}. */
@ApplicationScoped
public class FetchLimitsProducer {

    @Inject
    @ConfigProperty(name = "newsstream.fetch.connect-timeout", defaultValue = "5s")
    Duration connectTimeout;

    @Inject
    @ConfigProperty(name = "newsstream.fetch.timeout", defaultValue = "20s")
    Duration totalTimeout;

    @Inject
    @ConfigProperty(name = "newsstream.fetch.max-bytes", defaultValue = "15728640")
    long maxBytes;

    @Inject
    @ConfigProperty(name = "newsstream.fetch.max-redirects", defaultValue = "5")
    int maxRedirects;

    @Inject
    @ConfigProperty(name = "newsstream.fetch.user-agent",
            defaultValue = "newsstream/1.0 (RSS/Atom aggregator; +https://github.com/newsstream/newsstream)")
    String userAgent;

    @Produces
    FetchLimits limits() {
        return new FetchLimits(connectTimeout, totalTimeout, maxBytes, maxRedirects, userAgent);
    }
}
