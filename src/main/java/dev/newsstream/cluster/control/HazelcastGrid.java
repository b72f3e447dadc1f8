package dev.newsstream.cluster.control;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.topic.ITopic;
import dev.newsstream.cluster.entity.ClusterMember;
import dev.newsstream.cluster.entity.LeaseHolder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;

/**
 * The {@link Grid} on Payara Micro's own Hazelcast instance, found by JNDI. The only class that names
 * Hazelcast: it is loaded only when the instance is clustered ({@link #join}).
 *
 * <p>Leases and fetch claims are IMap entries with a time to live, holding {@code member|since}: the
 * holder renews its entry, a holder that dies stops renewing and its entries expire; faster than that,
 * every member that sees a member leave removes the entries it held. Messages go through a reliable
 * topic: one ringbuffer, so every member reads them in one order, the order they were published.
 */
final class HazelcastGrid implements Grid {

    private static final Logger LOG = Logger.getLogger(HazelcastGrid.class.getName());
    private static final String PREFIX = "newsstream.";

    private final HazelcastInstance hz;
    private final IMap<String, String> leases;
    private final IMap<String, String> values;
    private final IMap<String, String> flights;
    private final IMap<String, String> interest;
    private final IMap<String, Long> counters;
    private final ITopic<String> messages;
    private final String local;
    private final List<Runnable> unregister = new ArrayList<>();

    private HazelcastGrid(HazelcastInstance hz) {
        this.hz = hz;
        this.leases = hz.getMap(PREFIX + "leases");
        this.values = hz.getMap(PREFIX + "values");
        this.flights = hz.getMap(PREFIX + "flights");
        this.interest = hz.getMap(PREFIX + "interest");
        this.counters = hz.getMap(PREFIX + "counters");
        this.messages = hz.getReliableTopic(PREFIX + "arrivals");
        this.local = hz.getCluster().getLocalMember().getUuid().toString();
    }

    /** The grid of the Hazelcast instance bound at {@code jndiName}; fails with a sentence saying why not. */
    static Grid join(String jndiName) {
        Object found;
        try {
            found = new InitialContext().lookup(jndiName);
        } catch (NamingException e) {
            throw new IllegalStateException("Payara Micro's cluster is not running (" + jndiName + " is not bound: "
                    + e.getMessage() + "); was it started with --nocluster? Start it through docker/start.sh with "
                    + "NEWSSTREAM_CLUSTER set, or pass --clustermode yourself", e);
        }
        if (!(found instanceof HazelcastInstance instance)) {
            throw new IllegalStateException(jndiName + " is " + (found == null ? "null" : found.getClass().getName())
                    + ", not a Hazelcast instance");
        }
        if (!instance.getLifecycleService().isRunning()) {
            throw new IllegalStateException("Payara Micro's Hazelcast instance is not running (started with --nocluster?)");
        }
        return new HazelcastGrid(instance);
    }

    @Override
    public String localMember() {
        return local;
    }

    @Override
    public List<ClusterMember> members() {
        List<ClusterMember> list = new ArrayList<>();
        for (Member m : hz.getCluster().getMembers()) {
            list.add(new ClusterMember(m.getUuid().toString(), m.getAddress().getHost() + ":" + m.getAddress().getPort(),
                    m.localMember()));
        }
        return list;
    }

    @Override
    public LeaseHolder holdLease(String name, Duration period) {
        return hold(leases, name, period);
    }

    private LeaseHolder hold(IMap<String, String> map, String key, Duration ttl) {
        String current = map.get(key);
        if (current == null) {
            String mine = new LeaseHolder(local, Instant.now()).encode();
            String before = map.putIfAbsent(key, mine, ttl.toMillis(), TimeUnit.MILLISECONDS);
            if (before == null) return LeaseHolder.decode(mine);
            current = before;
        }
        LeaseHolder holder = LeaseHolder.decode(current);
        // renewing: if the entry expired just now and someone else took it, this only lengthens their lease
        if (holder.member().equals(local)) map.setTtl(key, ttl.toMillis(), TimeUnit.MILLISECONDS);
        return holder;
    }

    @Override
    public LeaseHolder leaseHolder(String name) {
        return LeaseHolder.decode(leases.get(name));
    }

    @Override
    public void releaseLease(String name) {
        String current = leases.get(name);
        if (current != null && LeaseHolder.decode(current).member().equals(local)) leases.remove(name, current);
    }

    @Override
    public void putValue(String key, String value) {
        values.set(key, value);
    }

    @Override
    public String value(String key) {
        return values.get(key);
    }

    @Override
    public LeaseHolder claimFlight(String source, Duration ttl) {
        String mine = new LeaseHolder(local, Instant.now()).encode();
        String before = flights.putIfAbsent(source, mine, ttl.toMillis(), TimeUnit.MILLISECONDS);
        return LeaseHolder.decode(before == null ? mine : before);
    }

    @Override
    public void endFlight(String source) {
        String current = flights.get(source);
        if (current != null && LeaseHolder.decode(current).member().equals(local)) flights.remove(source, current);
    }

    @Override
    public Map<String, LeaseHolder> flights() {
        Map<String, LeaseHolder> all = new LinkedHashMap<>();
        flights.entrySet().forEach(e -> all.put(e.getKey(), LeaseHolder.decode(e.getValue())));
        return all;
    }

    @Override
    public void addInterest(String source, String owner) {
        interest.set(source + "\n" + local, owner);
    }

    @Override
    public void removeInterest(String source) {
        interest.delete(source + "\n" + local);
    }

    private static final String ARRIVALS = "arrivals";

    @Override
    public long takeNumbers(int count, long floor) {
        // the lock dies with its holder; its lease bounds a holder that hangs between numbering and publishing
        counters.lock(ARRIVALS, 30, TimeUnit.SECONDS);
        try {
            Long last = counters.get(ARRIVALS);
            long first = Math.max(last == null ? 0 : last, floor) + 1;
            counters.set(ARRIVALS, first + count - 1);
            return first;
        } catch (RuntimeException e) {
            counters.unlock(ARRIVALS);
            throw e;
        }
    }

    @Override
    public void releaseNumbers() {
        try {
            counters.unlock(ARRIVALS);
        } catch (IllegalMonitorStateException e) {
            LOG.warning("Cluster: the numbering lock was no longer held (its lease ran out?)");
        }
    }

    @Override
    public long numbersGiven() {
        Long last = counters.get(ARRIVALS);
        return last == null ? 0 : last;
    }

    @Override
    public void publish(String body) {
        messages.publish(body);
    }

    @Override
    public void listen(Listener listener) {
        UUID membership = hz.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                String gone = event.getMember().getUuid().toString();
                safely("member left", () -> forget(gone));
                listener.memberLeft(gone);
            }
        });
        unregister.add(() -> hz.getCluster().removeMembershipListener(membership));
        FlightEnd ended = event -> listener.flightEnded(event.getKey(), LeaseHolder.decode(event.getOldValue()));
        UUID flightListener = flights.addEntryListener(ended, true);
        unregister.add(() -> flights.removeEntryListener(flightListener));
        InterestChange changed = (event, added) -> {
            String key = event.getKey();
            int nl = key.indexOf('\n');
            if (nl < 0) return;
            String owner = added ? event.getValue() : event.getOldValue();
            listener.interest(key.substring(0, nl), key.substring(nl + 1), owner, added);
        };
        UUID interestListener = interest.addEntryListener(changed, true);
        unregister.add(() -> interest.removeEntryListener(interestListener));
        UUID messageListener = messages.addMessageListener(m -> listener.message(m.getMessageObject(),
                m.getPublishingMember() == null ? "" : m.getPublishingMember().getUuid().toString()));
        unregister.add(() -> messages.removeMessageListener(messageListener));
    }

    /** A member left: its leases, claims and interests go at once, not when they would have expired. */
    private void forget(String member) {
        removeHeldBy(leases, member);
        removeHeldBy(flights, member);
        for (String key : interest.keySet()) if (key.endsWith("\n" + member)) interest.delete(key);
    }

    private static void removeHeldBy(IMap<String, String> map, String member) {
        for (Map.Entry<String, String> e : map.entrySet()) {
            if (LeaseHolder.decode(e.getValue()).member().equals(member)) map.remove(e.getKey(), e.getValue());
        }
    }

    private static void safely(String what, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Cluster: cleaning up after " + what + " failed", e);
        }
    }

    @Override
    public void close() {
        unregister.forEach(r -> safely("shutdown", r));
        unregister.clear();
    }

    /** A claim ended: removed by its holder or a peer, or expired. */
    private interface FlightEnd extends EntryRemovedListener<String, String>, EntryExpiredListener<String, String>,
            EntryEvictedListener<String, String> {
        void ended(EntryEvent<String, String> event);

        @Override
        default void entryRemoved(EntryEvent<String, String> event) {
            ended(event);
        }

        @Override
        default void entryExpired(EntryEvent<String, String> event) {
            ended(event);
        }

        @Override
        default void entryEvicted(EntryEvent<String, String> event) {
            ended(event);
        }
    }

    private interface InterestChange extends EntryAddedListener<String, String>, EntryUpdatedListener<String, String>,
            EntryRemovedListener<String, String>, EntryExpiredListener<String, String> {
        void changed(EntryEvent<String, String> event, boolean added);

        @Override
        default void entryUpdated(EntryEvent<String, String> event) {
            changed(event, true);
        }

        @Override
        default void entryAdded(EntryEvent<String, String> event) {
            changed(event, true);
        }

        @Override
        default void entryRemoved(EntryEvent<String, String> event) {
            changed(event, false);
        }

        @Override
        default void entryExpired(EntryEvent<String, String> event) {
            changed(event, false);
        }
    }
}
