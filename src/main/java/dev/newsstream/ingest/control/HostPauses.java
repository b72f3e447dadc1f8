package dev.newsstream.ingest.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Host-wide pauses: when {@code newsstream.fetch.host-pause-after} different feeds of one host answer
 * 429/503 with a Retry-After, the host is overloaded or rate-limits us as a whole, so none of its feeds
 * is fetched until the longest of those Retry-Afters (capped by {@code newsstream.fetch.host-pause-max})
 * has passed. Memory only: after a restart each feed's own back-off (which is stored) still holds.
 */
@ApplicationScoped
public class HostPauses {

    @Inject
    PoliteSettings settings;

    /** Per host: the feeds that asked us to stay away, and until when. */
    private final Map<String, Map<String, Instant>> requests = new ConcurrentHashMap<>();
    private final Map<String, Instant> pausedUntil = new ConcurrentHashMap<>();

    /** A feed of {@code host} answered with Retry-After; may pause the host. */
    public void retryAfter(String host, String source, Duration retryAfter, Instant now) {
        Duration capped = retryAfter.compareTo(settings.hostPauseMax()) > 0 ? settings.hostPauseMax() : retryAfter;
        Map<String, Instant> asked = requests.computeIfAbsent(host, h -> new HashMap<>());
        synchronized (asked) {
            asked.values().removeIf(until -> !until.isAfter(now));
            asked.put(source, now.plus(capped));
            if (asked.size() >= settings.hostPauseAfter()) {
                Instant until = asked.values().stream().max(Instant::compareTo).orElse(now);
                pausedUntil.merge(host, until, (a, b) -> a.isAfter(b) ? a : b);
            }
        }
    }

    /** A feed of {@code host} answered normally: it no longer counts towards a pause. */
    public void answered(String host, String source) {
        Map<String, Instant> asked = requests.get(host);
        if (asked == null) return;
        synchronized (asked) {
            asked.remove(source);
        }
    }

    /** Until when the host is paused, if it is now. */
    public Optional<Instant> pausedUntil(String host, Instant now) {
        Instant until = pausedUntil.get(host);
        if (until == null) return Optional.empty();
        if (!until.isAfter(now)) {
            pausedUntil.remove(host, until);
            return Optional.empty();
        }
        return Optional.of(until);
    }

    /** Every host paused now, with the pause's end. */
    public Map<String, Instant> paused(Instant now) {
        Map<String, Instant> now_ = new HashMap<>();
        pausedUntil.forEach((host, until) -> {
            if (until.isAfter(now)) now_.put(host, until);
        });
        return now_;
    }
}
