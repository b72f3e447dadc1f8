package dev.newsstream.cluster.boundary;

import dev.newsstream.cluster.control.ClusterNode;
import dev.newsstream.cluster.entity.ClusterReport;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /debug/cluster}: the members, who holds the refresh lease and since when, and the fetches in
 * flight anywhere in the cluster. Alone, it says so ({@code clustered: false}).
 */
@Path("debug/cluster")
@Produces(MediaType.APPLICATION_JSON)
public class ClusterResource {

    @Inject
    ClusterNode node;

    @GET
    public ClusterReport report() {
        return node.report();
    }
}
