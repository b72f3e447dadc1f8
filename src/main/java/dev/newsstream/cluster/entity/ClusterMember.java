package dev.newsstream.cluster.entity;

/** One member of the cluster as Hazelcast knows it. */
public record ClusterMember(String id, String address, boolean local) {
}
