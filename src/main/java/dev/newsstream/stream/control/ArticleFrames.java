package dev.newsstream.stream.control;

import dev.newsstream.JsonFormat;
import dev.newsstream.store.entity.LoggedArticle;
import dev.newsstream.stream.entity.StreamEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The JSON of each {@code article} frame, made once per arrival rather than once per live client:
 * with 10,000 clients, serialising the same article for each was most of the fan-out's cost.
 * Keeps the newest few thousand; an older one is simply made again.
 */
@ApplicationScoped
public class ArticleFrames {

    static final int KEEP = 4096;

    private final ConcurrentSkipListMap<Long, String> bySequence = new ConcurrentSkipListMap<>();

    public String json(LoggedArticle arrived) {
        String json = bySequence.computeIfAbsent(arrived.sequence(),
                s -> JsonFormat.toJson(new StreamEvent.ArticleArrived(arrived.article())));
        while (bySequence.size() > KEEP) bySequence.pollFirstEntry();
        return json;
    }
}
