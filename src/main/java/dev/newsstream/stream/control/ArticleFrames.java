package dev.newsstream.stream.control;

import dev.newsstream.JsonFormat;
import dev.newsstream.feed.entity.Article;
import dev.newsstream.store.entity.LoggedArticle;
import dev.newsstream.story.control.Stories;
import dev.newsstream.stream.entity.StreamEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The JSON of each {@code article} frame, made once per arrival rather than once per live client:
 * with 10,000 clients, serialising the same article for each was most of the fan-out's cost.
 * Keeps the newest few thousand; an older one is simply made again. Its "also reported by" is as of
 * the article's arrival: sources that report the story later appear on their own frames.
 */
@ApplicationScoped
public class ArticleFrames {

    static final int KEEP = 4096;

    private final ConcurrentSkipListMap<Long, String> bySequence = new ConcurrentSkipListMap<>();

    @Inject
    Stories stories;

    /** Articles as frames carry them: each with its story id and the other sources that reported it. */
    public List<Article> withStories(List<Article> articles) {
        return stories.decorate(articles);
    }

    public String json(LoggedArticle arrived) {
        String json = bySequence.computeIfAbsent(arrived.sequence(),
                s -> JsonFormat.toJson(new StreamEvent.ArticleArrived(stories.decorate(arrived.article()))));
        while (bySequence.size() > KEEP) bySequence.pollFirstEntry();
        return json;
    }
}
