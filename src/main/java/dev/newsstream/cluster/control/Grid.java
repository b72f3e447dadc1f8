package dev.newsstream.cluster.control;

import dev.newsstream.cluster.entity.ClusterMember;
import dev.newsstream.cluster.entity.LeaseHolder;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What newsstream needs of the data grid, in its own words: leases, claims on in-flight fetches, the
 * interest other members have in them, a few shared values and one ordered message channel. Only
 * strings travel, so no application class ever has to be deserialised by Hazelcast. The one
 * implementation is {@link HazelcastGrid}; when an instance runs alone there is no grid at all.
 */
public interface Grid {

    /** Hears what the grid reports; called on Hazelcast's event threads, so it must only hand work on. */
    interface Listener {
        void memberLeft(String member);

        void flightEnded(String source, LeaseHolder holder);

        void interest(String source, String member, String owner, boolean added);

        void message(String body, String fromMember);
    }

    String localMember();

    List<ClusterMember> members();

    /** Takes the lease if nobody holds it, renews it if this member does; returns who holds it now (or null). */
    LeaseHolder holdLease(String name, Duration period);

    LeaseHolder leaseHolder(String name);

    void releaseLease(String name);

    void putValue(String key, String value);

    String value(String key);

    /** Claims a source's fetch for this member (expiring after {@code ttl}); returns the claim that holds. */
    LeaseHolder claimFlight(String source, Duration ttl);

    void endFlight(String source);

    Map<String, LeaseHolder> flights();

    /** This member waits for {@code owner}'s fetch of {@code source}. */
    void addInterest(String source, String owner);

    void removeInterest(String source);

    /**
     * Takes the cluster's numbering lock (held by this thread until {@link #releaseNumbers}) and hands out
     * {@code count} consecutive numbers above {@code floor} and above every number handed out before;
     * returns the first.
     */
    long takeNumbers(int count, long floor);

    /** Releases the numbering lock this thread took in {@link #takeNumbers}. */
    void releaseNumbers();

    /** The highest number handed out in the cluster so far (0 if none). */
    long numbersGiven();

    /** To every member, this one included, in the order this member published. */
    void publish(String body);

    void listen(Listener listener);

    void close();
}
