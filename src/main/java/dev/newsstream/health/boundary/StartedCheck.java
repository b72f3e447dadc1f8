package dev.newsstream.health.boundary;

import dev.newsstream.feed.control.SourceCatalog;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

/** Started once the sources are loaded and the container's executors were found. */
@Startup
@ApplicationScoped
public class StartedCheck implements HealthCheck {

    @Inject
    SourceCatalog catalog;

    @Resource(lookup = "concurrent/newsstream/feeds")
    ManagedExecutorService feeds;

    @Resource(lookup = "concurrent/newsstream/scheduler")
    ManagedScheduledExecutorService scheduler;

    @Override
    public HealthCheckResponse call() {
        boolean executors = feeds != null && scheduler != null;
        return HealthCheckResponse.named("started")
                .status(catalog.loaded() && executors)
                .withData("sources_loaded", catalog.loaded())
                .withData("sources", catalog.all().size())
                .withData("executors_resolved", executors)
                .build();
    }
}
