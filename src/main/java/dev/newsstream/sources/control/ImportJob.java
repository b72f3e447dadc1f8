package dev.newsstream.sources.control;

import dev.newsstream.sources.entity.FeedCheck;
import dev.newsstream.sources.entity.ImportReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * One OPML import: each feed's check, and its events for whoever follows it: first {@code import_status}
 * (the whole report so far: a late subscriber misses nothing, in one frame however long the file), then one
 * {@code feed} per feed checked after that, then {@code import_complete}. Checks finish on fetch threads in
 * any order; this object is their one meeting point, so it is synchronized.
 */
public final class ImportJob {

    /** One event of the import's stream; {@code sequence} numbers them from 1 (the SSE id). */
    public record Event(long sequence, String name, Object data) {
    }

    public record Status(String status, String importId, ImportReport report) {
    }

    public record FeedEvent(String status, String importId, FeedCheck feed, int checked, int total) {
    }

    public record Completed(String status, String importId, int total, Map<String, Integer> counts, Instant timestamp) {
    }

    private final String id = UUID.randomUUID().toString();
    private final Instant startedAt = Instant.now();
    private final List<FeedCheck> checks;
    private long sequence;
    private final List<Consumer<Event>> listeners = new ArrayList<>();
    private int checked;
    private Instant finishedAt;

    ImportJob(List<FeedCheck> checks) {
        this.checks = new ArrayList<>(checks);
        if (checks.isEmpty()) complete();
    }

    public String id() {
        return id;
    }

    /** Records one feed's outcome (the first outcome of a feed counts; later ones are ignored). */
    synchronized void done(FeedCheck check) {
        int i = check.index() - 1;
        if (checks.get(i).done()) return;
        checks.set(i, check);
        checked++;
        emit("feed", new FeedEvent("feed", id, check, checked, checks.size()));
        if (checked == checks.size()) complete();
    }

    private void complete() {
        finishedAt = Instant.now();
        emit("import_complete", new Completed("import_complete", id, checks.size(), counts(), finishedAt));
    }

    private void emit(String name, Object data) {
        Event event = new Event(++sequence, name, data);
        for (Consumer<Event> listener : List.copyOf(listeners)) listener.accept(event);
    }

    /**
     * Hands {@code listener} the report so far ({@code import_status}), then each new event in order, with
     * nothing lost or doubled between the two; a finished import's {@code import_complete} comes at once. A
     * listener must not block (it is called under this job's lock).
     */
    public synchronized void subscribe(Consumer<Event> listener) {
        listener.accept(new Event(sequence, "import_status", new Status("import_status", id, report())));
        if (finishedAt == null) {
            listeners.add(listener);
        } else {
            listener.accept(new Event(sequence, "import_complete",
                    new Completed("import_complete", id, checks.size(), counts(), finishedAt)));
        }
    }

    public synchronized void unsubscribe(Consumer<Event> listener) {
        listeners.remove(listener);
    }

    public synchronized boolean finished() {
        return finishedAt != null;
    }

    public synchronized ImportReport report() {
        return new ImportReport(id, finishedAt == null ? "running" : "complete", startedAt, finishedAt, checks.size(),
                checked, counts(), List.copyOf(checks));
    }

    private Map<String, Integer> counts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        FeedCheck.RESULTS.forEach(r -> counts.put(r, 0));
        for (FeedCheck c : checks) if (c.done()) counts.merge(c.result(), 1, Integer::sum);
        return counts;
    }
}
