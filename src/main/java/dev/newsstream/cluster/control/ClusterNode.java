package dev.newsstream.cluster.control;

import dev.newsstream.cluster.entity.ClusterMember;
import dev.newsstream.cluster.entity.ClusterReport;
import dev.newsstream.cluster.entity.LeaseHolder;
import dev.newsstream.ops.control.NewsMetrics;
import dev.newsstream.store.control.StorageSettings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This instance's place in the cluster: joins Payara Micro's Hazelcast when {@code newsstream.cluster}
 * is set (and refuses to start without a shared PostgreSQL), keeps or waits for the refresh lease, and
 * hands what the grid reports to the features on one container-managed thread, in the order it came.
 *
 * <p>The lease decides which instance runs the cluster's periodic jobs (background refresh, retention):
 * its holder renews it every third of {@code newsstream.cluster.lease}; when the holder dies its peers
 * see it leave and the lease is free at once, and at the latest it expires one lease period after the
 * last renewal. An instance that runs alone always leads and never loads a Hazelcast class.
 */
@ApplicationScoped
public class ClusterNode {

    static final String REFRESH_LEASE = "refresh";
    private static final String LAST_REFRESH = "last-refresh";
    private static final Logger LOG = Logger.getLogger(ClusterNode.class.getName());

    @Inject
    ClusterSettings settings;

    @Inject
    StorageSettings storage;

    @Inject
    NewsMetrics metrics;

    @Resource(lookup = "concurrent/newsstream/scheduler")
    ManagedScheduledExecutorService scheduler;

    @Resource
    ManagedThreadFactory threads;

    private Grid grid;
    private final BlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
    private final List<Grid.Listener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong leaseChanges = new AtomicLong();
    private final AtomicLong remoteArrivals = new AtomicLong();
    private final AtomicLong remoteWaits = new AtomicLong();
    private volatile boolean leading;
    private volatile LeaseHolder lease;
    private volatile Instant lastRefresh;
    private volatile boolean running = true;
    private Thread dispatcher; // started by open()
    private ScheduledFuture<?> renewal;

    void startWithApplication(@Observes @Initialized(ApplicationScoped.class) Object start) {
        // observing start-up joins the cluster (or refuses to start) during deployment, before the first request
    }

    @PostConstruct
    void start() {
        if (!settings.clustered()) {
            leading = true;
            return;
        }
        String url = storage.displayUrl();
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new ClusterConfigurationException("newsstream cannot start: NEWSSTREAM_CLUSTER=" + settings.mode()
                    + " makes this instance one of several, and they must share one PostgreSQL database, but the "
                    + "database is " + url + ". Set NEWSSTREAM_DB_URL=jdbc:postgresql://... (docs/deploying.md), "
                    + "or unset NEWSSTREAM_CLUSTER to run alone.", null);
        }
        try {
            grid = HazelcastGrid.join(settings.jndiName());
        } catch (RuntimeException e) {
            throw new ClusterConfigurationException("newsstream cannot start: NEWSSTREAM_CLUSTER=" + settings.mode()
                    + " but " + e.getMessage(), e);
        }
        // what the grid reports waits in the inbox, in order, until open(): the store is warm by then
        grid.listen(new Grid.Listener() {
            @Override
            public void memberLeft(String member) {
                inbox.add(() -> {
                    LOG.info(() -> "Cluster: member " + member + " left");
                    renew(); // the lease may be free now: take it without waiting for the next tick
                    listeners.forEach(l -> l.memberLeft(member));
                });
            }

            @Override
            public void flightEnded(String source, LeaseHolder holder) {
                inbox.add(() -> listeners.forEach(l -> l.flightEnded(source, holder)));
            }

            @Override
            public void interest(String source, String member, String owner, boolean added) {
                inbox.add(() -> listeners.forEach(l -> l.interest(source, member, owner, added)));
            }

            @Override
            public void message(String body, String fromMember) {
                inbox.add(() -> listeners.forEach(l -> l.message(body, fromMember)));
            }
        });
        metrics.gauge("newsstream_cluster_members", "Members of the cluster this instance sees",
                () -> grid.members().size());
        metrics.gauge("newsstream_cluster_lease_held", "1 while this instance holds the refresh lease",
                () -> leading ? 1 : 0);
        renew();
        long every = Math.max(200, settings.lease().toMillis() / 3);
        // on the scheduler itself, not behind grid events on the event thread: a late renewal loses the lease
        renewal = scheduler.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
        LOG.info(() -> "Cluster: joined as " + grid.localMember() + " (" + settings.mode() + "), " + grid.members().size()
                + " member(s); refresh lease " + (leading ? "held here" : "held by " + lease));
    }

    /**
     * Starts handing grid events to the features, those that came since joining first, in order. Called
     * once the store is warm and the record delivery listens ({@code ClusteredFetchRecordDelivery#open}):
     * a record applied before that would be lost to a listener not yet there, or overwritten by warming.
     */
    public synchronized void open() {
        if (grid == null || dispatcher != null || !running) return;
        dispatcher = threads.newThread(this::dispatch);
        dispatcher.setName("newsstream-cluster-events");
        dispatcher.setDaemon(true);
        dispatcher.start();
    }

    @PreDestroy
    void stop() {
        running = false;
        if (renewal != null) renewal.cancel(false);
        if (grid == null) return;
        try {
            // a rolling deploy hands the lease on at once instead of letting it expire
            if (leading) grid.releaseLease(REFRESH_LEASE);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Cluster: releasing the lease at shutdown failed", e);
        }
        grid.close();
        synchronized (this) {
            if (dispatcher != null) dispatcher.interrupt();
        }
    }

    private void dispatch() {
        while (running) {
            Runnable next;
            try {
                next = inbox.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (next == null) continue;
            try {
                next.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Cluster: handling a grid event failed", e);
            }
        }
    }

    /** Takes or renews the refresh lease; notes when it changes hands here. */
    private synchronized void renew() {
        if (grid == null || !running) return;
        try {
            LeaseHolder holder = grid.holdLease(REFRESH_LEASE, settings.lease());
            lease = holder;
            boolean mine = holder != null && holder.member().equals(grid.localMember());
            if (mine != leading) {
                leading = mine;
                leaseChanges.incrementAndGet();
                metrics.count("newsstream_cluster_lease_changes",
                        "Times this instance took or lost the cluster's refresh lease", 1);
                LOG.info(() -> "Cluster: refresh lease " + (mine ? "taken" : "lost to " + holder.member()));
            }
            String last = grid.value(LAST_REFRESH);
            if (last != null) lastRefresh = Instant.ofEpochMilli(Long.parseLong(last));
        } catch (RuntimeException e) {
            // the grid itself is in trouble (e.g. partitioned): not leading is the safe side
            if (leading) {
                leading = false;
                leaseChanges.incrementAndGet();
                metrics.count("newsstream_cluster_lease_changes",
                        "Times this instance took or lost the cluster's refresh lease", 1);
            }
            LOG.log(Level.WARNING, "Cluster: renewing the refresh lease failed; not leading until it works", e);
        }
    }

    public boolean clustered() {
        return grid != null;
    }

    /** Whether this instance runs the cluster's periodic jobs now (always, when it runs alone). */
    public boolean leads() {
        return leading;
    }

    /** The grid when clustered; features hold it only for the length of a call. */
    public Optional<Grid> grid() {
        return Optional.ofNullable(grid);
    }

    /** Hears grid events on the cluster's event thread, one at a time, in the order they came. */
    public void subscribe(Grid.Listener listener) {
        listeners.add(listener);
    }

    /** Runs work on the cluster's event thread, after what is queued there. */
    public void later(Runnable work) {
        inbox.add(work);
    }

    /** A refresh ended here: the others take it as the cluster's (readiness on a peer that never refreshes). */
    public void refreshed(Instant at) {
        lastRefresh = at;
        if (grid != null) {
            try {
                grid.putValue(LAST_REFRESH, String.valueOf(at.toEpochMilli()));
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "Cluster: noting the refresh failed", e);
            }
        }
    }

    /** When a refresh last ended anywhere in the cluster, as far as this instance knows. */
    public Optional<Instant> lastRefresh() {
        return Optional.ofNullable(lastRefresh);
    }

    public void countRemoteArrivals(int articles) {
        remoteArrivals.addAndGet(articles);
        metrics.count("newsstream_cluster_deliveries",
                "Articles fetched by another instance and delivered to this instance's live streams", articles);
    }

    public void countRemoteWait() {
        remoteWaits.incrementAndGet();
        metrics.count("newsstream_cluster_remote_waits",
                "Fetches this instance waited for while another instance ran them", 1);
    }

    public ClusterReport report() {
        if (grid == null) {
            return new ClusterReport(false, settings.mode(), null, List.of(), null, null, true,
                    settings.lease().toSeconds(), 0, List.of(), 0, 0, lastRefresh);
        }
        List<ClusterMember> members = grid.members(); // Hazelcast's local view: no remote call
        LeaseHolder holder = lease; // as of the last renewal (every third of the lease): never waits on the grid
        List<ClusterReport.InFlight> inFlight = new ArrayList<>();
        for (Map.Entry<String, LeaseHolder> e : grid.flights().entrySet()) {
            inFlight.add(new ClusterReport.InFlight(e.getKey(), e.getValue().member(),
                    address(members, e.getValue().member()), e.getValue().since()));
        }
        return new ClusterReport(true, settings.mode(), grid.localMember(), members, holder,
                holder == null ? null : address(members, holder.member()), leading, settings.lease().toSeconds(),
                leaseChanges.get(), inFlight, remoteArrivals.get(), remoteWaits.get(), lastRefresh);
    }

    private static String address(List<ClusterMember> members, String id) {
        return members.stream().filter(m -> m.id().equals(id)).map(ClusterMember::address).findFirst().orElse(null);
    }

    /** For features that only need to run something when clustered. */
    public void ifClustered(Consumer<Grid> action) {
        if (grid != null) action.accept(grid);
    }
}
