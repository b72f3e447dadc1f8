package dev.newsstream.cluster.entity;

import java.time.Instant;
import java.util.List;

/** {@code GET /debug/cluster}: who is in the cluster, who holds the refresh lease, which fetches run where. */
public record ClusterReport(boolean clustered, String mode, String localMember, List<ClusterMember> members,
                            LeaseHolder refreshLease, String refreshLeaseAddress, boolean leaseHeldHere,
                            long leaseSeconds, long leaseChanges, List<InFlight> inFlight, long remoteArrivals,
                            long remoteWaits, Instant lastRefreshInCluster) {

    /** A fetch running somewhere in the cluster: the source, the member fetching it and since when. */
    public record InFlight(String source, String member, String address, Instant since) {
    }
}
