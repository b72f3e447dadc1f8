package dev.newsstream.cluster.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.newsstream.feed.control.ConditionalHeaders;
import dev.newsstream.feed.entity.Article;
import dev.newsstream.feed.entity.FeedStatus;
import dev.newsstream.feed.entity.Source;
import dev.newsstream.feed.entity.SourceStat;
import dev.newsstream.store.entity.FetchRecord;
import dev.newsstream.store.entity.LoggedArticle;
import dev.newsstream.store.entity.SourceState;
import java.io.ByteArrayOutputStream;
import java.io.InvalidClassException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A numbered fetch record crosses the grid as text and comes out equal; nothing else is ever read back. */
class RecordWireTest {

    @Test
    void aRecordSurvivesTheTopic() throws Exception {
        FetchRecord record = sample();
        assertEquals(record, ClusteredFetchRecordDelivery.decode(ClusteredFetchRecordDelivery.encode(record)));
    }


    @Test
    void aForeignClassIsRefused() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new java.util.concurrent.atomic.AtomicReference<>("x"));
        }
        String text = Base64.getEncoder().encodeToString(bytes.toByteArray());
        assertThrows(InvalidClassException.class, () -> ClusteredFetchRecordDelivery.decode(text));
    }

    static FetchRecord sample() {
        Source source = new Source("Wire", List.of(java.net.URI.create("http://127.0.0.1/w.xml")), "news", "XX", "public", "center");
        Instant now = Instant.parse("2026-12-01T03:00:00Z");
        Article a = new Article("Title", "http://127.0.0.1/a", "desc", now, "Wire", "news", "XX", null, "k1");
        SourceStat stat = SourceStat.of(source, FeedStatus.SUCCESS, 1, null, now, 0.2);
        return new FetchRecord("Wire", true, List.of(new LoggedArticle(42, a)), List.of(),
                new SourceState(stat, 0, null, now), Map.of("http://127.0.0.1/w.xml", new ConditionalHeaders("\"e\"", null)));
    }
}
