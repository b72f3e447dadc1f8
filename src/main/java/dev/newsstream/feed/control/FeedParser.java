package dev.newsstream.feed.control;

import com.rometools.rome.feed.synd.SyndContent;
import com.rometools.rome.feed.synd.SyndEntry;
import com.rometools.rome.feed.synd.SyndFeed;
import com.rometools.rome.feed.synd.SyndLink;
import com.rometools.rome.io.FeedException;
import com.rometools.rome.io.SyndFeedInput;
import dev.newsstream.feed.entity.Article;
import dev.newsstream.feed.entity.ParsedFeed;
import dev.newsstream.feed.entity.Source;
import jakarta.enterprise.context.ApplicationScoped;
import org.xml.sax.SAXParseException;

import java.io.StringReader;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;

/**
 * Turns one fetched RSS (0.9x, 1.0, 2.0) or Atom document into articles. Pure computation on the bytes it is
 * given: no network, no files, no state, so one instance serves all fetches concurrently.
 */
@ApplicationScoped
public class FeedParser {

    /** Articles travel in every card and server-sent event; a long description is only a preview anyway. */
    static final int DESCRIPTION_LIMIT = FeedTextLimits.DESCRIPTION;

    private static final int REASON_LIMIT = 150;

    public FeedParser() {
    }

    /**
     * @param body        the already decompressed body
     * @param contentType the HTTP Content-Type header, or null
     * @param feedUrl     the URL fetched (after redirects), for resolving relative links
     * @param source      the configured source; supplies source name, category and country of each article
     * @param fetchedAt   used as published when an entry has no date
     * @throws FeedParseException when the body is not a feed, is not well-formed XML or contains a DOCTYPE
     */
    public ParsedFeed parse(byte[] body, String contentType, URI feedUrl, Source source, Instant fetchedAt)
            throws FeedParseException {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(fetchedAt, "fetchedAt");
        String xml = FeedBytes.decode(body == null ? new byte[0] : body, contentType);
        DocumentStart start = DocumentStart.of(xml);
        rejectObviousNonFeeds(start);
        if (MarkupDepth.exceeds(xml, MarkupDepth.MAX)) {
            throw new FeedParseException("feed rejected: markup nested deeper than " + MarkupDepth.MAX + " levels", null);
        }
        SyndFeed feed = build(xml, start);
        return new EntryConverter(feedUrl, source, fetchedAt).convert(feed);
    }

    private static void rejectObviousNonFeeds(DocumentStart start) throws FeedParseException {
        if (start.isHtml()) {
            throw notAFeed("the response is an HTML page", null);
        }
        switch (start.kind()) {
            case EMPTY -> throw notAFeed("the response body is empty", null);
            case NOT_MARKUP -> throw notAFeed("the response is not XML (it starts with \"" + start.snippet() + "\")", null);
            // A DTD can define entities that fetch URLs (XXE) or expand exponentially; no real feed needs one.
            case DOCTYPE -> throw doctypeRejected(null);
            default -> { }
        }
    }

    private static SyndFeed build(String xml, DocumentStart start) throws FeedParseException {
        SyndFeedInput input = new SyndFeedInput();
        // Already ROME's default; stated so it cannot silently change. This is the second line of defence
        // after rejectObviousNonFeeds, in case a DOCTYPE hides where DocumentStart does not look.
        input.setAllowDoctypes(false);
        try {
            return input.build(new StringReader(xml));
        } catch (IllegalArgumentException e) {
            // ROME's way of saying that no parser recognised the root element.
            throw notAFeed("the root element <" + (start.name() == null ? "?" : start.name())
                    + "> is not rss, rdf:RDF or feed", e);
        } catch (FeedException e) {
            SAXParseException saxProblem = causeOfType(e, SAXParseException.class);
            if (saxProblem == null) {
                // ROME's own message is often just "Invalid XML"; the cause says what was invalid.
                String detail = e.getCause() == null ? "" : ": " + e.getCause().getMessage();
                throw notAFeed(oneLine(e.getMessage() + detail), e);
            }
            if (String.valueOf(saxProblem.getMessage()).contains("DOCTYPE")) {
                throw doctypeRejected(e);
            }
            throw new FeedParseException("malformed XML: line " + saxProblem.getLineNumber() + ": "
                    + oneLine(saxProblem.getMessage()), e);
        } catch (StackOverflowError e) {
            // MarkupDepth should have refused it first; this is the second line, so the depth costs this feed only.
            throw new FeedParseException("feed rejected: markup nested too deeply to parse", null);
        } catch (RuntimeException e) {
            // ROME's converters trust the document in places (numbers, dates); one bad value must not escape
            // as an unexplained 500 in the caller.
            throw notAFeed("ROME could not read it (" + oneLine(String.valueOf(e)) + ")", e);
        }
    }

    private static FeedParseException notAFeed(String reason, Throwable cause) {
        return new FeedParseException("not an RSS or Atom feed: " + reason, cause);
    }

    private static FeedParseException doctypeRejected(Throwable cause) {
        return new FeedParseException("feed rejected: DOCTYPE declarations are not allowed", cause);
    }

    private static <T extends Throwable> T causeOfType(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** Parser messages can be long and multi-line; error messages end up in a status table. */
    static String oneLine(String message) {
        String line = message == null ? "unknown reason" : message.replaceAll("\\s+", " ").strip();
        return line.length() <= REASON_LIMIT ? line : line.substring(0, REASON_LIMIT - 1) + "…";
    }

    /** The per-feed state of one conversion: where URLs are relative to, and the problems counted so far. */
    private static final class EntryConverter {
        private final URI feedUrl;
        private final Source source;
        private final Instant fetchedAt;
        private int withoutLink;
        private int withUnusableLink;
        private int withoutDate;
        private int unreadable;
        private String firstUnreadableReason;

        EntryConverter(URI feedUrl, Source source, Instant fetchedAt) {
            this.feedUrl = feedUrl;
            this.source = source;
            this.fetchedAt = fetchedAt;
        }

        ParsedFeed convert(SyndFeed feed) {
            List<Article> articles = new ArrayList<>(feed.getEntries().size());
            for (SyndEntry entry : feed.getEntries()) {
                try {
                    articles.add(article(entry));
                } catch (RuntimeException | StackOverflowError e) {
                    // One broken entry costs that entry, not the other forty.
                    if (unreadable++ == 0) {
                        firstUnreadableReason = oneLine(String.valueOf(e));
                    }
                }
            }
            String title = FeedTextLimits.cut(PlainText.fromHtml(feed.getTitle()), FeedTextLimits.TITLE);
            return new ParsedFeed(title.isEmpty() ? source.name() : title,
                    FeedTextLimits.url(WebUrls.httpUrl(websiteLink(feed), feedUrl)),
                    articles, problems(feed.getEntries().isEmpty()));
        }

        /** Since ROME 2, SyndFeed.getLink() of an Atom feed is its rel="self" link, the feed URL itself. */
        private static String websiteLink(SyndFeed feed) {
            return feed.getLinks().stream()
                    .filter(link -> link.getRel() == null || link.getRel().equals("alternate"))
                    .map(SyndLink::getHref)
                    .filter(href -> href != null && !href.isBlank())
                    .findFirst()
                    .orElse(feed.getLink());
        }

        private Article article(SyndEntry entry) {
            String title = FeedTextLimits.cut(PlainText.fromHtml(entry.getTitle()), FeedTextLimits.TITLE);
            String rawLink = firstNonBlank(entry.getLink(), firstLinkHref(entry));
            String link = FeedTextLimits.url(WebUrls.httpUrl(rawLink, feedUrl));
            if (rawLink == null) {
                withoutLink++;
            } else if (link == null) {
                withUnusableLink++;
            }
            Instant ownDate = ownDate(entry);
            if (ownDate == null) {
                withoutDate++;
            }
            String description = PlainText.truncate(PlainText.fromHtml(descriptionHtml(entry)), DESCRIPTION_LIMIT - 1); // + "…"
            // Markup in content is written for the article page, so its relative URLs are relative to that page.
            URI imageBase = link != null ? URI.create(link) : feedUrl;
            return new Article(
                    title.isEmpty() ? Article.NO_TITLE : title,
                    link,
                    description.isEmpty() ? Article.NO_DESCRIPTION : description,
                    ownDate != null ? ownDate : fetchedAt,
                    source.name(), source.category(), source.country(),
                    ArticleImageFinder.find(entry, imageBase),
                    key(entry, link, rawLink, title, ownDate));
        }

        /**
         * Deduplication across fetches relies on this, so it must not change between fetches: the fetch time
         * (the fallback for published) is deliberately not part of it.
         */
        private static String key(SyndEntry entry, String link, String rawLink, String title, Instant ownDate) {
            String id = firstNonBlank(entry.getUri(), link, rawLink);
            if (id != null) {
                return FeedTextLimits.key(id.strip());
            }
            return FeedTextLimits.key(title + "|" + (ownDate == null ? "" : ownDate.toString()));
        }

        private static Instant ownDate(SyndEntry entry) {
            Date date = entry.getPublishedDate() != null ? entry.getPublishedDate() : entry.getUpdatedDate();
            return date == null ? null : date.toInstant();
        }

        private static String descriptionHtml(SyndEntry entry) {
            SyndContent description = entry.getDescription();
            if (description != null && description.getValue() != null && !description.getValue().isBlank()) {
                return description.getValue();
            }
            return entry.getContents().stream()
                    .map(SyndContent::getValue)
                    .filter(value -> value != null && !value.isBlank())
                    .findFirst()
                    .orElse(null);
        }

        /** An enclosure is the entry's media, never the page to open. */
        private static String firstLinkHref(SyndEntry entry) {
            return entry.getLinks().stream()
                    .filter(link -> !"enclosure".equals(link.getRel()))
                    .map(SyndLink::getHref)
                    .filter(href -> href != null && !href.isBlank())
                    .findFirst()
                    .orElse(null);
        }

        private static String firstNonBlank(String... values) {
            for (String value : values) {
                if (value != null && !value.isBlank()) {
                    return value;
                }
            }
            return null;
        }

        private List<String> problems(boolean noEntries) {
            List<String> problems = new ArrayList<>();
            if (noEntries) {
                problems.add("feed has no entries");
            }
            if (unreadable > 0) {
                problems.add(count(unreadable, "unreadable entry", "unreadable entries") + " skipped (first: "
                        + firstUnreadableReason + ")");
            }
            if (withoutLink > 0) {
                problems.add(count(withoutLink, "entry", "entries") + " without a link");
            }
            if (withUnusableLink > 0) {
                problems.add(count(withUnusableLink, "entry", "entries") + " with a link that is not an http(s) URL");
            }
            if (withoutDate > 0) {
                problems.add(count(withoutDate, "entry", "entries") + " without a readable date (used the fetch time)");
            }
            return problems;
        }

        private static String count(int n, String singular, String plural) {
            return n + " " + (n == 1 ? singular : plural);
        }
    }
}
