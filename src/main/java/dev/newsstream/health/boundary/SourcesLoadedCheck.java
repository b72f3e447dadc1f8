package dev.newsstream.health.boundary;

import dev.newsstream.feed.control.SourceCatalog;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.health.Startup;

/** Started and ready only once the sources file is loaded. */
@Startup
@Readiness
@ApplicationScoped
public class SourcesLoadedCheck implements HealthCheck {

    @Inject
    SourceCatalog catalog;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("sources")
                .status(catalog.loaded())
                .withData("sources", catalog.all().size())
                .withData("categories", catalog.categories().size())
                .build();
    }
}
