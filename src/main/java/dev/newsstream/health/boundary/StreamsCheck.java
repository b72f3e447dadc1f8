package dev.newsstream.health.boundary;

import dev.newsstream.stream.control.StreamRegistry;
import dev.newsstream.stream.control.StreamSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Alive while the stream machinery answers; reports counts only, never waits on a stream. */
@Liveness
@ApplicationScoped
public class StreamsCheck implements HealthCheck {

    @Inject
    StreamRegistry registry;

    @Inject
    StreamSettings settings;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("streams")
                .up()
                .withData("active_streams", registry.activeCount())
                .withData("max_active_streams", settings.maxActive())
                .withData("streams_created", registry.created())
                .build();
    }
}
