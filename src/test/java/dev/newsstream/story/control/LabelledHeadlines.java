package dev.newsstream.story.control;

import dev.newsstream.story.entity.Report;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/** The labelled set under src/test/resources/stories: each headline with the story a person put it in. */
record LabelledHeadlines(List<Headline> headlines) {

    static final Instant BASE = Instant.parse("2026-11-16T00:00:00Z");

    record Headline(String label, Report report, String description) {
        boolean singleton() {
            return label.equals("-");
        }
    }

    static LabelledHeadlines load() {
        var in = Objects.requireNonNull(LabelledHeadlines.class.getResourceAsStream("/stories/headlines.psv"));
        List<Headline> all = new ArrayList<>();
        try (var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int n = 0;
            while ((line = reader.readLine()) != null) {
                n++;
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] f = line.split("\\|", -1);
                if (f.length != 5) throw new IllegalStateException("headlines.psv line " + n + ": 5 fields expected: " + line);
                Instant published = BASE.plusSeconds(Long.parseLong(f[2].trim()) * 60);
                String key = "https://example.test/" + f[1].replace(' ', '-') + "/" + n;
                all.add(new Headline(f[0].trim(), new Report(f[1].trim(), key, f[3].trim(), key, published), f[4].trim()));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        // arrival order: by publication time, as fetches bring them
        all.sort(Comparator.comparing((Headline h) -> h.report().published()).thenComparing(h -> h.report().key()));
        return new LabelledHeadlines(List.copyOf(all));
    }

    long stories() {
        return headlines.stream().filter(h -> !h.singleton()).map(Headline::label).distinct().count();
    }

    long singletons() {
        return headlines.stream().filter(Headline::singleton).count();
    }
}
