package dev.newsstream.ops.control;

import dev.newsstream.ingest.control.FetchCoordinator;
import dev.newsstream.ingest.control.Flight;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * What the feed executor is doing, seen through the fetches newsstream handed it (the container's
 * pool has no portable API for its own figures): running, queued, hung, and where each is stuck.
 */
@ApplicationScoped
public class ExecutorView {

    public record FetchView(String source, List<String> urls, List<String> waitingStreams, double ageSeconds,
                            String state, String thread, List<String> stack) {
    }

    public record Figures(int inFlight, int running, int queued, int hung, long started, long sharedJoins,
                          long answeredFromCache) {
    }

    @Inject
    FetchCoordinator coordinator;

    @Inject
    OpsSettings settings;

    public Figures figures() {
        int running = 0, queued = 0, hung = 0;
        Collection<Flight> flights = coordinator.inFlight();
        for (Flight f : flights) {
            if (f.runner() == null) queued++;
            else running++;
            // judged by the current exchange, not since the flight was queued: a busy queue is not a stuck fetch
            Duration busy = f.busyFor();
            if (busy != null && busy.compareTo(settings.hungAfter()) > 0) hung++;
        }
        return new Figures(flights.size(), running, queued, hung, coordinator.fetchesStarted(),
                coordinator.sharedJoins(), coordinator.answeredFromCache());
    }

    /** Every fetch in flight; the ones older than {@code newsstream.debug.stack-after} come with their thread's stack. */
    public List<FetchView> fetches() {
        return coordinator.inFlight().stream().map(this::view).toList();
    }

    FetchView view(Flight f) {
        Thread runner = f.runner();
        Duration age = f.age();
        Duration busy = f.busyFor();
        List<String> stack = runner != null && busy != null && busy.compareTo(settings.stackAfter()) >= 0
                ? Arrays.stream(runner.getStackTrace()).map(StackTraceElement::toString).toList() : null;
        return new FetchView(f.source().name(), f.source().urls().stream().map(Object::toString).toList(), f.waiters(),
                age.toMillis() / 1000.0, runner == null ? "queued" : "running", runner == null ? null : runner.getName(),
                stack);
    }
}
