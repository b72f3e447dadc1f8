package dev.newsstream.sources.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The {@code newsstream.admin.*} and {@code newsstream.sources.import-*} knobs. */
@ApplicationScoped
public class AdminSettings {

    @Inject
    @ConfigProperty(name = "newsstream.admin.token")
    Optional<String> token;

    @Inject
    @ConfigProperty(name = "newsstream.sources.import-max-bytes", defaultValue = "1048576")
    int importMaxBytes;

    @Inject
    @ConfigProperty(name = "newsstream.sources.import-max-feeds", defaultValue = "500")
    int importMaxFeeds;

    /** The operator token; empty means changes are taken from loopback only. */
    public Optional<String> token() {
        return token.filter(t -> !t.isBlank());
    }

    public int importMaxBytes() {
        return importMaxBytes;
    }

    public int importMaxFeeds() {
        return importMaxFeeds;
    }
}
