package dev.newsstream.cluster.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The {@code newsstream.cluster*} knobs (docs/configuration.md, docs/deploying.md). */
@ApplicationScoped
public class ClusterSettings {

    /** How the instance finds its peers, as docker/start.sh took it (tcpip:..., kubernetes:..., multicast, domain). */
    @Inject
    @ConfigProperty(name = "newsstream.cluster")
    Optional<String> mode;

    @Inject
    @ConfigProperty(name = "newsstream.cluster.lease", defaultValue = "15s")
    Duration lease;

    @Inject
    @ConfigProperty(name = "newsstream.cluster.jndi-name", defaultValue = "payara/Hazelcast")
    String jndiName;

    /** True when this instance is one of several: the environment named a way to find the others. */
    public boolean clustered() {
        return mode.map(String::trim).filter(m -> !m.isEmpty() && !m.equalsIgnoreCase("none")).isPresent();
    }

    public String mode() {
        return mode.map(String::trim).orElse("");
    }

    /** How long the refresh lease lasts unrenewed: the longest a dead holder keeps it. */
    public Duration lease() {
        return lease.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : lease;
    }

    public String jndiName() {
        return jndiName;
    }
}
