package dev.newsstream.ops.control;

import dev.newsstream.ingest.control.FetchCoordinator;
import dev.newsstream.ingest.control.Flight;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * What the fetches are doing, seen through the flights newsstream started (the container's pool has no
 * portable API for its own figures): queued (no exchange yet, or an answer waiting for a feed thread),
 * waiting on the network (no thread held), parsing (a feed thread, whose stack says where), and hung.
 */
@ApplicationScoped
public class ExecutorView {

    /**
     * {@code state}: {@code queued} (waiting for its host slot or start), {@code network} (an exchange under way,
     * no thread), {@code parse_queued} (answered, waiting for a feed thread), {@code parsing} (on {@code thread}).
     */
    public record FetchView(String source, List<String> urls, List<String> waitingStreams, double ageSeconds,
                            String state, Double busySeconds, String thread, List<String> stack) {
    }

    /**
     * {@code queued} is every fetch waiting for something other than the network (a start, or a feed thread to
     * parse on): the backlog readiness judges. {@code running} = {@code waitingOnNetwork} + {@code parsing}.
     */
    public record Figures(int inFlight, int running, int queued, int waitingOnNetwork, int parsing, int hung,
                          long started, long sharedJoins, long answeredFromCache) {
    }

    @Inject
    FetchCoordinator coordinator;

    @Inject
    OpsSettings settings;

    public Figures figures() {
        int queued = 0, network = 0, parsing = 0, hung = 0;
        Collection<Flight> flights = coordinator.inFlight();
        for (Flight f : flights) {
            switch (f.phase()) {
                case QUEUED, PARSE_QUEUED -> queued++;
                case NETWORK -> network++;
                case PARSING -> parsing++;
            }
            // judged by the current exchange, not since the flight was queued: a busy queue is not a stuck fetch
            Duration busy = f.busyFor();
            if (busy != null && busy.compareTo(settings.hungAfter()) > 0) hung++;
        }
        return new Figures(flights.size(), network + parsing, queued, network, parsing, hung,
                coordinator.fetchesStarted(), coordinator.sharedJoins(), coordinator.answeredFromCache());
    }

    /** Every fetch in flight; a parse older than {@code newsstream.debug.stack-after} comes with its thread's stack. */
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
                age.toMillis() / 1000.0, f.phase().name().toLowerCase(Locale.ROOT),
                busy == null ? null : busy.toMillis() / 1000.0, runner == null ? null : runner.getName(), stack);
    }
}
