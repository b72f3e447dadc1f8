package dev.newsstream.store.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The {@code newsstream.store.*} and {@code newsstream.db.*} knobs the application reads itself (the
 * data source reads its own in {@link NewsDatabase}'s annotation). See docs/storage.md.
 */
@ApplicationScoped
public class StorageSettings {

    @Inject
    @ConfigProperty(name = "newsstream.store.max-per-source", defaultValue = "200")
    int maxPerSource;

    @Inject
    @ConfigProperty(name = "newsstream.store.retention", defaultValue = "30d")
    Duration retention;

    @Inject
    @ConfigProperty(name = "newsstream.store.retention-interval", defaultValue = "1h")
    Duration retentionInterval;

    @Inject
    @ConfigProperty(name = "newsstream.store.retry-interval", defaultValue = "5s")
    Duration retryInterval;

    @Inject
    @ConfigProperty(name = "newsstream.store.shutdown-flush", defaultValue = "10s")
    Duration shutdownFlush;

    @Inject
    @ConfigProperty(name = "newsstream.store.id-block", defaultValue = "10000")
    int idBlock;

    @Inject
    @ConfigProperty(name = "newsstream.db.query-timeout", defaultValue = "10s")
    Duration queryTimeout;

    @Inject
    @ConfigProperty(name = "newsstream.live.log-size", defaultValue = "10000")
    int logSize;

    @Inject
    @ConfigProperty(name = "newsstream.db.url")
    Optional<String> url;

    @Inject
    @ConfigProperty(name = "newsstream.db.user")
    Optional<String> user;

    @Inject
    @ConfigProperty(name = "newsstream.db.password")
    Optional<String> password;

    public int maxPerSource() {
        return Math.max(1, maxPerSource);
    }

    public Duration retention() {
        return retention;
    }

    public Duration retentionInterval() {
        return retentionInterval;
    }

    public Duration retryInterval() {
        return retryInterval;
    }

    public Duration shutdownFlush() {
        return shutdownFlush;
    }

    /** How many arrival ids one reservation in the database covers (see LocalArrivalNumbering). */
    public int idBlock() {
        return Math.max(2, idBlock);
    }

    public Duration queryTimeout() {
        return queryTimeout;
    }

    public int logSize() {
        return logSize;
    }

    /** The JDBC URL for messages: a password in it (password=..., user:password@) is masked. */
    public String displayUrl() {
        return mask(url.orElse(NewsDatabase.DEFAULT_URL));
    }

    public String user() {
        return user.orElse("newsstream"); // the data source's own default
    }

    /** The password, only to keep it out of messages. */
    String password() {
        return password.orElse("");
    }

    static String mask(String url) {
        return url.replaceAll("(?i)(password=)[^;&]*", "$1***")
                .replaceAll("(//[^/@:]+:)[^/@]*@", "$1***@");
    }
}
