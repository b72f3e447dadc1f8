package dev.newsstream.ingest.control;

import java.time.Duration;

/** {@link IngestSettings} with the freshness window a unit test outside this package needs. */
public final class TestIngestSettings {

    private TestIngestSettings() {
    }

    public static IngestSettings freshFor(Duration freshFor) {
        IngestSettings settings = new IngestSettings();
        settings.freshFor = freshFor;
        return settings;
    }
}
