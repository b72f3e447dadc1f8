/**
 * Several instances, one newsroom: when {@code newsstream.cluster} (NEWSSTREAM_CLUSTER) is set, instances
 * join Payara Micro's own Hazelcast (the Domain Data Grid) and share a refresh lease, the in-flight fetches
 * and the arrivals; without it nothing here touches Hazelcast and an instance runs alone.
 */
package dev.newsstream.cluster;
