package dev.newsstream.health.boundary;

import dev.newsstream.ops.control.ExecutorView;
import dev.newsstream.ops.control.OpsSettings;
import dev.newsstream.stream.control.StreamRegistry;
import dev.newsstream.stream.control.StreamSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * DOWN only when a restart would help: fetches running far past their deadline (stuck threads) or a
 * scheduler that stopped ticking. Slow or dead feeds never make it DOWN. Reads counters only.
 */
@Liveness
@ApplicationScoped
public class LiveCheck implements HealthCheck {

    @Inject
    ExecutorView executor;

    @Inject
    StreamRegistry streams;

    @Inject
    StreamSettings streamSettings;

    @Inject
    OpsSettings settings;

    @Override
    public HealthCheckResponse call() {
        ExecutorView.Figures figures = executor.figures();
        Duration sinceTick = streams.sinceLastTick();
        Duration tickLimit = streamSettings.heartbeat().multipliedBy(10).plusSeconds(30);
        boolean ticking = sinceTick.compareTo(tickLimit) < 0;
        return HealthCheckResponse.named("live")
                .status(figures.hung() == 0 && ticking)
                .withData("hung_fetches", figures.hung())
                .withData("hung_after_seconds", settings.hungAfter().toSeconds())
                .withData("running_fetches", figures.running())
                .withData("parsing_fetches", figures.parsing())
                .withData("scheduler_last_tick_ms_ago", sinceTick.toMillis())
                .withData("active_streams", streams.activeCount())
                .build();
    }
}
