package dev.newsstream.cluster.control;

/** The instance was told to cluster but cannot: it refuses to start, with one sentence saying why. */
public class ClusterConfigurationException extends RuntimeException {

    public ClusterConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
