package dev.newsstream.ops.control;

import dev.newsstream.ingest.control.FetchCoordinator;
import dev.newsstream.ingest.control.Flight;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Arrays;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Logs, once each and with the stack of a parsing thread, every fetch whose current exchange started more
 * than {@code newsstream.health.hung-after} ago (queue time does not count)
 * and every request thread busy past {@code newsstream.watchdog.request-threshold}: no task is ever
 * silently stuck.
 */
@ApplicationScoped
public class Watchdog {

    private static final Logger LOG = Logger.getLogger(Watchdog.class.getName());

    @Inject
    FetchCoordinator coordinator;

    @Inject
    RequestTracker requests;

    @Inject
    OpsSettings settings;

    @Resource(lookup = "concurrent/newsstream/scheduler")
    ManagedScheduledExecutorService scheduler;

    private final Set<Flight> reportedFetches = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    private final Set<Long> reportedRequests = Collections.synchronizedSet(new java.util.HashSet<>());
    private ScheduledFuture<?> ticker;

    void startWithApplication(@Observes @Initialized(ApplicationScoped.class) Object start) {
        // observing start-up creates the bean, and so starts the watchdog
    }

    @PostConstruct
    void start() {
        long every = settings.watchdogInterval().toMillis();
        ticker = scheduler.scheduleAtFixedRate(this::look, every, every, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (ticker != null) ticker.cancel(false);
    }

    void look() {
        for (Flight flight : coordinator.inFlight()) {
            Thread runner = flight.runner();
            java.time.Duration busy = flight.busyFor();
            if (busy == null || busy.compareTo(settings.hungAfter()) <= 0 || !reportedFetches.add(flight)) continue;
            if (runner != null) {
                LOG.warning(() -> "Fetch of " + flight.source().name() + " " + flight.source().urls() + " has run "
                        + busy.toSeconds() + " s, parsing on " + runner.getName() + ", waited for by " + flight.waiters()
                        + "; it is at:\n" + stack(runner));
            } else {
                // no thread to show: its exchange outlived the deadline timer that should have ended it
                LOG.warning(() -> "Fetch of " + flight.source().name() + " " + flight.source().urls() + " has run "
                        + busy.toSeconds() + " s, " + flight.phase().name().toLowerCase(java.util.Locale.ROOT)
                        + " (no thread held), waited for by " + flight.waiters());
            }
        }
        requests.busy().forEach(busy -> {
            if (busy.age().compareTo(settings.slowRequest()) > 0 && reportedRequests.add(busy.id())) {
                LOG.warning(() -> "Request " + busy.request() + " has kept " + busy.thread().getName() + " busy for "
                        + busy.age().toSeconds() + " s; it is at:\n" + stack(busy.thread()));
            }
        });
        reportedRequests.removeIf(id -> requests.busy().stream().noneMatch(b -> b.id() == id));
    }

    private static String stack(Thread thread) {
        return Arrays.stream(thread.getStackTrace()).map(e -> "\tat " + e).collect(Collectors.joining("\n"));
    }
}
