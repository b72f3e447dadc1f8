package dev.newsstream.cluster.control;

import dev.newsstream.cluster.entity.LeaseHolder;
import dev.newsstream.store.control.FetchRecordApplier;
import dev.newsstream.store.control.FetchRecordDelivery;
import dev.newsstream.store.entity.FetchRecord;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Brings every numbered fetch record to every instance's memory and live streams, in id order: the
 * fetching instance publishes it on the grid's arrivals topic (one ringbuffer: one order for everyone)
 * while it still holds the numbering lock, and every instance, this one included, applies what the topic
 * brings on the cluster's event thread, in topic order. The fetching instance waits (bounded) until its
 * own record has come round, so when {@link #deliver} returns it has applied it, after every record
 * numbered before it. Only the fetching instance writes the record to the database (the store queues it).
 * Alone it applies the record at once, as the local delivery does.
 */
@Alternative
@Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 10)
@ApplicationScoped
public class ClusteredFetchRecordDelivery implements FetchRecordDelivery, Grid.Listener {

    private static final Logger LOG = Logger.getLogger(ClusteredFetchRecordDelivery.class.getName());
    static final String RECORD = "record\t";
    private static final long OWN_RECORD_WAIT_MS = 5_000;
    private static final int APPLIED_REMEMBERED = 4_096;

    @Inject
    FetchRecordApplier applier;

    @Inject
    ClusterNode cluster;

    @Inject
    ClusteredArrivalNumbering numbering;

    private final AtomicLong sequence = new AtomicLong();
    private final Map<String, CompletableFuture<Void>> ownPending = new ConcurrentHashMap<>();
    /** Each source's record last published from here, by tag: the word "fetched" names it (see RemoteFlights). */
    private final Map<String, String> published = new ConcurrentHashMap<>();
    /** Tags of the records applied here lately, oldest first; only the cluster's event thread adds to it. */
    private final Set<String> applied = Collections.synchronizedSet(Collections.newSetFromMap(
            new LinkedHashMap<>(256, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > APPLIED_REMEMBERED;
                }
            }));
    private final AtomicBoolean open = new AtomicBoolean();

    /**
     * Listens from the end of the store's start-up: the bean is otherwise created only when this instance
     * first fetches, and an instance that only serves streams would never apply what the others fetch.
     */
    @Override
    public void open() {
        if (!open.compareAndSet(false, true)) return;
        cluster.subscribe(this);
        cluster.open();
    }

    /**
     * The tag of the record this instance last published for {@code source}, or null if its last fetch
     * published none (it failed to, or had nothing to record): a peer answers its waiters from its own store
     * only once it has applied that record.
     */
    public String publishedFor(String source) {
        return published.get(source);
    }

    /** Whether the record with this tag has been applied here (as far back as the last few thousand). */
    public boolean applied(String tag) {
        return applied.contains(tag);
    }

    @Override
    public void deliver(FetchRecord record) {
        Grid grid = cluster.grid().orElse(null);
        if (grid == null) {
            applier.apply(record);
            return;
        }
        String tag = grid.localMember() + "#" + sequence.incrementAndGet();
        CompletableFuture<Void> applied = new CompletableFuture<>();
        ownPending.put(tag, applied);
        String body;
        published.remove(record.source()); // until this one is out: a peer must not take an older one for it
        try {
            body = RECORD + tag + "\t" + encode(record);
        } catch (IOException e) {
            ownPending.remove(tag);
            numbering.releaseIfHeld(grid);
            LOG.log(Level.WARNING, "Cluster: record of " + record.source() + " cannot be serialised; applied here only", e);
            applier.apply(record);
            return;
        }
        try {
            grid.publish(body);
            published.put(record.source(), tag);
        } catch (RuntimeException e) {
            ownPending.remove(tag);
            LOG.log(Level.WARNING, "Cluster: publishing the record of " + record.source() + " failed; applied here only", e);
            applier.apply(record);
            return;
        } finally {
            numbering.releaseIfHeld(grid);
        }
        try {
            applied.get(OWN_RECORD_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // the topic is slow: apply here now; when the message comes round the shelf knows it (no second arrival)
            LOG.warning(() -> "Cluster: own record of " + record.source() + " not back within " + OWN_RECORD_WAIT_MS
                    + " ms; applied here directly");
            ownPending.remove(tag);
            applier.apply(record);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ownPending.remove(tag);
            applier.apply(record);
        } catch (ExecutionException e) {
            ownPending.remove(tag);
            applier.apply(record);
        }
    }

    @Override
    public void message(String body, String fromMember) {
        if (!body.startsWith(RECORD)) return;
        int tab = body.indexOf('\t', RECORD.length());
        if (tab < 0) return;
        String tag = body.substring(RECORD.length(), tab);
        FetchRecord record;
        try {
            record = decode(body.substring(tab + 1));
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            LOG.log(Level.WARNING, "Cluster: a record from " + fromMember + " cannot be read (another version?); skipped", e);
            return;
        }
        CompletableFuture<Void> own = ownPending.remove(tag);
        if (own == null && tag.startsWith(cluster.grid().map(Grid::localMember).orElse("?") + "#")) {
            return; // our own record, already applied directly after a timeout
        }
        applier.apply(record);
        applied.add(tag);
        if (own == null && record.lastId() > 0) numbering.passed(record.lastId());
        if (own != null) own.complete(null);
        else cluster.countRemoteArrivals(record.arrivals().size());
    }

    static String encode(FetchRecord record) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(record);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    /** Only newsstream's records and the JDK types they hold: nothing else is ever deserialised. */
    private static final ObjectInputFilter FILTER = ObjectInputFilter.Config.createFilter(
            "maxdepth=20;maxrefs=1000000;dev.newsstream.**;java.lang.*;java.util.*;java.time.*;java.net.URI;!*");

    static FetchRecord decode(String base64) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(base64)))) {
            in.setObjectInputFilter(FILTER);
            return (FetchRecord) in.readObject();
        }
    }

    @Override
    public void memberLeft(String member) {
    }

    @Override
    public void flightEnded(String source, LeaseHolder holder) {
    }

    @Override
    public void interest(String source, String member, String owner, boolean added) {
    }
}
