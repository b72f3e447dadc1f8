package dev.newsstream.ingest.control;

import dev.newsstream.cluster.control.ClusterNode;
import dev.newsstream.cluster.control.ClusteredFetchRecordDelivery;
import dev.newsstream.cluster.control.Grid;
import dev.newsstream.cluster.entity.LeaseHolder;
import dev.newsstream.feed.entity.Source;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One fetch per source in the whole cluster. Before a {@link Flight} fetches, it claims its source in the
 * grid; if another instance holds the claim, the flight waits for that instance instead, and this
 * instance's interest counts there as one more waiter (so the fetch is cancelled only when no client on
 * any instance waits for it). The fetching instance tells everyone when it is done, after its result has
 * been published to every instance's store; a waiting flight then answers from its own store. If the
 * fetching instance dies (or its claim lapses) the waiting flight claims the source again and fetches
 * itself. Alone, every flight fetches here and nothing touches the grid.
 */
@ApplicationScoped
public class RemoteFlights implements Grid.Listener {

    private static final Logger LOG = Logger.getLogger(RemoteFlights.class.getName());
    private static final String FETCHED = "fetched\t";
    private static final String ABANDONED = "abandoned\t";
    private static final String NO_RECORD = "-";
    /** After a claim ends without word from its holder, how long a waiting flight gives the word to arrive. */
    private static final Duration GRACE = Duration.ofSeconds(2);

    /** What the coordinator does for a waiting flight: answer it from the store, or fetch here after all. */
    interface Handler {
        void answer(Flight flight);

        void fetchHere(Flight flight);
    }

    @Inject
    ClusterNode cluster;

    @Inject
    dev.newsstream.feed.entity.FetchLimits limits;

    @Inject
    ClusteredFetchRecordDelivery records;

    @Resource(lookup = "concurrent/newsstream/scheduler")
    ManagedScheduledExecutorService managedScheduler;

    /** The grace timers: the container's scheduler, handed over at start (a unit test hands a plain one). */
    private ScheduledExecutorService scheduler;

    private volatile Handler handler;
    /** Flights here that wait for another instance, by source, and whose fetch it is. */
    private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();
    /** Other instances' interest in fetches running here: one ticket on the local flight per instance. */
    private final Map<String, Flight.Ticket> remoteTickets = new ConcurrentHashMap<>();
    /** Fetches running here, by source, so other instances' interest can join them. */
    private final Map<String, Flight> running = new ConcurrentHashMap<>();
    /** The claim each fetch running here holds: its word names it, so a waiter knows it is the one it waits for. */
    private final Map<String, LeaseHolder> claims = new ConcurrentHashMap<>();

    /** A flight here waiting for the fetch {@code claim} stands for (its member, since when). */
    private record Waiting(Flight flight, LeaseHolder claim) {
        String owner() {
            return claim.member();
        }

        /** Whether a word naming this claim's start (null: from a version that names none) is about it. */
        boolean about(String fromMember, Long since) {
            return owner().equals(fromMember) && (since == null || since == claim.since().toEpochMilli());
        }
    }

    @PostConstruct
    void listen() {
        listen(managedScheduler);
    }

    void listen(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
        cluster.subscribe(this);
    }

    void bind(Handler handler) {
        this.handler = handler;
    }

    /** Whether this instance fetches the flight's source (alone: always); if not, the flight now waits. */
    boolean claim(Flight flight) {
        Grid grid = cluster.grid().orElse(null);
        if (grid == null) return true;
        String name = flight.source().name();
        LeaseHolder holder;
        try {
            holder = grid.claimFlight(name, claimTtl());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Cluster: claiming " + name + " failed; fetching here", e);
            return true;
        }
        if (holder.member().equals(grid.localMember())) {
            claims.put(name, holder);
            running.put(name, flight);
            return true;
        }
        waitFor(grid, flight, holder);
        flight.onEnd(() -> withdraw(flight));
        cluster.countRemoteWait();
        return false;
    }

    private void waitFor(Grid grid, Flight flight, LeaseHolder claim) {
        String name = flight.source().name();
        waiting.put(name, new Waiting(flight, claim));
        try {
            grid.addInterest(name, claim.member());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Cluster: registering interest in " + name + " failed", e);
        }
    }

    /** A claim outlives the longest fetch by a margin; a holder that hangs past it loses the claim. */
    private Duration claimTtl() {
        return limits.totalTimeout().multipliedBy(3).plusSeconds(10);
    }

    private void withdraw(Flight flight) {
        String name = flight.source().name();
        Waiting w = waiting.get(name);
        if (w == null || w.flight() != flight || !waiting.remove(name, w)) return;
        cluster.ifClustered(grid -> {
            try {
                grid.removeInterest(name);
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "Cluster: withdrawing interest in " + name + " failed", e);
            }
        });
    }

    /**
     * A flight here is over; if it fetched for the cluster, its result (if any) is published by now: release
     * the claim and tell the others (runs before the flight's waiters hear of it).
     */
    void ended(Flight flight) {
        String name = flight.source().name();
        boolean answered = flight.details() != null;
        if (!running.remove(name, flight)) return;
        LeaseHolder claim = claims.remove(name);
        String since = claim == null ? "" : "\t" + claim.since().toEpochMilli();
        remoteTickets.entrySet().removeIf(e -> e.getKey().startsWith(name + "\n"));
        cluster.ifClustered(grid -> {
            try {
                // "fetched" names the record the fetch published (or "-"): a waiter answers only once it has it
                String tag = records.publishedFor(name);
                grid.publish(answered ? FETCHED + name + "\t" + (tag == null ? NO_RECORD : tag) + since
                        : ABANDONED + name + since);
                grid.endFlight(name);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Cluster: releasing the claim on " + name + " failed", e);
            }
        });
    }

    @Override
    public void message(String body, String fromMember) {
        if (cluster.grid().map(g -> g.localMember().equals(fromMember)).orElse(true)) return;
        if (body.startsWith(FETCHED)) {
            // fetched<TAB>source[<TAB>record tag<TAB>claim start]: the older form names neither
            String[] word = body.substring(FETCHED.length()).split("\t", -1);
            String name = word[0];
            String tag = word.length > 1 ? word[1] : null;
            Waiting w = waiting.get(name);
            // a word about another claim (an earlier fetch of the source) is not the answer this flight waits for
            if (w == null || !w.about(fromMember, word.length > 2 ? millis(word[2]) : null)) return;
            if (tag != null && !tag.equals(NO_RECORD) && !records.applied(tag)) {
                // the record comes before this word on the one topic, so it failed to come or to apply here:
                // this store does not hold that result, and a waiter must not get the state before it
                LOG.warning(() -> "Cluster: " + fromMember + " fetched " + name + " but its record (" + tag
                        + ") was not applied here; fetching it here for those waiting");
                retry(name, fromMember);
                return;
            }
            if (NO_RECORD.equals(tag)) { // fetched, but nothing reached this store: fetch here rather than answer stale
                retry(name, fromMember);
                return;
            }
            if (waiting.remove(name, w)) handler.answer(w.flight());
        } else if (body.startsWith(ABANDONED)) {
            String[] word = body.substring(ABANDONED.length()).split("\t", -1);
            Waiting w = waiting.get(word[0]);
            if (w != null && w.about(fromMember, word.length > 1 ? millis(word[1]) : null)) retry(word[0], fromMember);
        }
    }

    private static Long millis(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public void memberLeft(String member) {
        waiting.forEach((name, w) -> {
            if (w.owner().equals(member)) retry(name, member);
        });
    }

    @Override
    public void flightEnded(String source, LeaseHolder holder) {
        Waiting w = waiting.get(source);
        if (w == null || holder == null || !w.claim().equals(holder)) return;
        // its holder's word (fetched or abandoned) normally comes first; if it does not, fetch again
        scheduler.schedule(() -> cluster.later(() -> {
            if (waiting.get(source) == w) retry(source, holder.member());
        }), GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The instance this flight waited for will not answer: claim the source again. */
    private void retry(String source, String formerOwner) {
        Waiting w = waiting.get(source);
        if (w == null || !w.owner().equals(formerOwner) || !waiting.remove(source, w)) return;
        Grid grid = cluster.grid().orElse(null);
        if (grid == null) return;
        LeaseHolder holder;
        try {
            holder = grid.claimFlight(source, claimTtl());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Cluster: claiming " + source + " again failed; fetching here", e);
            holder = new LeaseHolder(grid.localMember(), java.time.Instant.now());
        }
        LOG.info("Cluster: " + formerOwner + " will not answer for " + source + "; "
                + (holder.member().equals(grid.localMember()) ? "fetching it here" : "waiting for " + holder.member()));
        if (holder.member().equals(grid.localMember())) {
            claims.put(source, holder);
            running.put(source, w.flight());
            handler.fetchHere(w.flight());
        } else {
            waitFor(grid, w.flight(), holder);
        }
    }

    @Override
    public void interest(String source, String member, String owner, boolean added) {
        Grid grid = cluster.grid().orElse(null);
        if (grid == null || member.equals(grid.localMember())) return;
        String key = source + "\n" + member;
        if (!added) {
            Flight.Ticket ticket = remoteTickets.remove(key);
            if (ticket != null) ticket.cancel(true); // that instance no longer waits: maybe nobody does
            return;
        }
        if (!grid.localMember().equals(owner)) return;
        Flight flight = running.get(source);
        if (flight == null) return; // already over: its word is on its way
        Flight.Ticket held = remoteTickets.get(key);
        // already waiting: a flight counts its waiters by name, so a second ticket for the same instance would be
        // the same waiter, and giving back the first would take that instance off the flight while it still waits
        if (held != null && !held.isDone()) return;
        Flight.Ticket ticket = flight.join("cluster:" + member);
        if (ticket != null) {
            Flight.Ticket before = remoteTickets.put(key, ticket);
            if (before != null) before.cancel(true);
        }
    }

    /** For {@code /debug}: flights here that wait for another instance. */
    public Map<String, String> waitingFor() {
        Map<String, String> view = new java.util.TreeMap<>();
        waiting.forEach((name, w) -> view.put(name, w.owner()));
        return view;
    }
}
