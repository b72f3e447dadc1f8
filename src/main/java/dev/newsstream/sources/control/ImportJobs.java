package dev.newsstream.sources.control;

import dev.newsstream.feed.control.BotWall;
import dev.newsstream.feed.control.ConditionalHeaders;
import dev.newsstream.feed.control.FeedFetcher;
import dev.newsstream.feed.control.FeedParseException;
import dev.newsstream.feed.control.FeedParser;
import dev.newsstream.feed.control.SourceCatalog;
import dev.newsstream.feed.control.SourceChanges;
import dev.newsstream.feed.entity.FetchOutcome;
import dev.newsstream.feed.entity.ParsedFeed;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.ingest.control.HostLanes;
import dev.newsstream.ingest.control.HostPauses;
import dev.newsstream.sources.entity.FeedCheck;
import dev.newsstream.sources.entity.OpmlFeed;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;

/**
 * OPML imports in the background. Each feed is checked with one fetch through its host's lane (so an
 * import of 50 feeds of one site knocks at most {@code newsstream.fetch.max-per-host} at a time, and
 * never while the host is paused), parsed, and added if it is a feed nobody reads yet. The last
 * {@value #KEPT} imports stay to be looked up.
 */
@ApplicationScoped
public class ImportJobs {

    static final int KEPT = 20;

    @Inject
    AdminSettings settings;

    @Inject
    SourceCatalog catalog;

    @Inject
    SourceAdmin admin;

    @Inject
    FeedFetcher fetcher;

    @Inject
    FeedParser parser;

    @Inject
    HostLanes lanes;

    @Inject
    HostPauses pauses;

    @Resource(lookup = "concurrent/newsstream/feeds")
    ManagedExecutorService feeds;

    private final Map<String, ImportJob> jobs = new LinkedHashMap<>();

    /** Reads the OPML (throws {@link OpmlException} for a 400) and starts checking its feeds; returns at once. */
    public ImportJob start(byte[] opml) {
        List<OpmlFeed> outlines = Opml.read(opml, settings.importMaxFeeds());
        List<FeedCheck> checks = new ArrayList<>();
        Map<Integer, String[]> decided = new LinkedHashMap<>();
        List<Source> toCheck = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<URI> urls = new HashSet<>();
        for (OpmlFeed feed : outlines) {
            checks.add(new FeedCheck(feed.index(), feed.name(), feed.urls(), feed.category(), FeedCheck.CHECKING, null, null));
            List<URI> parsed = new ArrayList<>();
            String invalid = null;
            for (String url : feed.urls()) {
                Optional<URI> uri = httpUrl(url);
                if (uri.isEmpty()) invalid = "'" + url + "' is not an http(s) URL";
                else parsed.add(uri.get());
            }
            if (invalid != null) {
                decided.put(feed.index(), new String[] {FeedCheck.INVALID, invalid});
                toCheck.add(null);
                continue;
            }
            String name = feed.name().isBlank() ? parsed.get(0).getHost() : feed.name();
            Source source = new Source(name, parsed, feed.category(), feed.country(), feed.fundingType(), feed.biasRating());
            Optional<String> clash = catalog.clash(source, List.of());
            if (clash.isEmpty() && !names.add(name)) clash = Optional.of("the name '" + name + "' came earlier in the file");
            if (clash.isEmpty() && parsed.stream().anyMatch(u -> !urls.add(u))) clash = Optional.of("the URL came earlier in the file");
            if (clash.isPresent()) {
                decided.put(feed.index(), new String[] {FeedCheck.DUPLICATE, clash.get()});
                toCheck.add(null);
            } else {
                toCheck.add(source);
            }
        }
        ImportJob job = new ImportJob(checks);
        synchronized (jobs) {
            jobs.put(job.id(), job);
            while (jobs.size() > KEPT) {
                String oldest = jobs.entrySet().stream().filter(e -> e.getValue().finished()).map(Map.Entry::getKey)
                        .findFirst().orElse(null);
                if (oldest == null) break;
                jobs.remove(oldest);
            }
        }
        decided.forEach((index, outcome) -> job.done(checks.get(index - 1).with(outcome[0], outcome[1])));
        for (int i = 0; i < toCheck.size(); i++) {
            Source source = toCheck.get(i);
            if (source == null) continue;
            FeedCheck pending = checks.get(i);
            try {
                lanes.laneFor(source.firstUrl(), feeds).submit(() -> check(job, pending, source));
            } catch (RejectedExecutionException e) {
                job.done(pending.with(FeedCheck.FAILED, "server busy: the fetch queue is full"));
            }
        }
        return job;
    }

    public Optional<ImportJob> job(String id) {
        synchronized (jobs) {
            return Optional.ofNullable(jobs.get(id));
        }
    }

    /** On a feed thread: one fetch per URL, a parse, then the add. Always reports the feed, whatever happens. */
    private void check(ImportJob job, FeedCheck pending, Source source) {
        try {
            int entries = 0;
            for (URI url : source.urls()) {
                Optional<Instant> paused = pauses.pausedUntil(HostLanes.hostOf(url), Instant.now());
                if (paused.isPresent()) {
                    job.done(pending.with(FeedCheck.UNREACHABLE, "its host asked us to wait until " + paused.get()));
                    return;
                }
                FetchOutcome outcome = fetcher.fetch(url, ConditionalHeaders.NONE);
                if (outcome.failed()) {
                    job.done(pending.with(FeedCheck.UNREACHABLE, outcome.error()));
                    return;
                }
                if (outcome.kind() == FetchOutcome.Kind.NOT_MODIFIED) continue;
                try {
                    ParsedFeed feed = parser.parse(outcome.body(), outcome.contentType(), outcome.url(), source, Instant.now());
                    entries += feed.articles().size();
                } catch (FeedParseException e) {
                    if (BotWall.isWall(outcome.body(), outcome.contentType())) {
                        job.done(pending.with(FeedCheck.UNREACHABLE,
                                "blocked by the server: a login or bot-check page instead of the feed"));
                    } else {
                        job.done(pending.with(FeedCheck.NOT_A_FEED, e.getMessage()));
                    }
                    return;
                }
            }
            admin.add(List.of(source));
            job.done(pending.with(FeedCheck.ADDED, entries + (entries == 1 ? " entry" : " entries")));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            job.done(pending.with(FeedCheck.FAILED, "the check was cancelled"));
        } catch (IllegalArgumentException e) {
            job.done(pending.with(FeedCheck.DUPLICATE, e.getMessage())); // added meanwhile, by someone else
        } catch (SourceChanges.SourceStorageException e) {
            job.done(pending.with(FeedCheck.FAILED, "not added: " + e.getMessage()));
        } catch (RuntimeException e) {
            job.done(pending.with(FeedCheck.FAILED, "unexpected failure: " + e));
        }
    }

    private static Optional<URI> httpUrl(String text) {
        try {
            URI uri = new URI(text.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) return Optional.empty();
            if (uri.getHost() == null || uri.getHost().isBlank()) return Optional.empty();
            return Optional.of(uri);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }
}
