package dev.newsstream.store.control;

import dev.newsstream.store.entity.FetchRecord;
import dev.newsstream.store.entity.LoggedArticle;
import dev.newsstream.story.control.Stories;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies a numbered fetch record to this instance's memory and publishes its arrivals to this
 * instance's live streams. Touches no database: the same record may come from another instance.
 * What is new is decided by the shelf: an article numbered as new but already on this instance's shelf
 * (say two instances fetched it at once) updates it and is no arrival here.
 */
@ApplicationScoped
public class FetchRecordApplier {

    @Inject
    ArticleShelves shelves;

    @Inject
    FetchStates states;

    @Inject
    Arrivals arrivals;

    @Inject
    Stories stories;

    public void apply(FetchRecord record) {
        // the state first: the merge bumps the version, and a snapshot of that version must show both
        states.apply(record.source(), record.state(), record.validators());
        List<LoggedArticle> added = List.of();
        if (record.fetched()) {
            // grouped before the shelf takes them: the frames that show them already name their story
            stories.arrived(record.arrivals().stream().map(LoggedArticle::article).toList());
            List<LoggedArticle> all = new ArrayList<>(record.arrivals().size() + record.known().size());
            all.addAll(record.known());
            all.addAll(record.arrivals());
            added = shelves.merge(record.source(), all);
        } else {
            shelves.touched();
        }
        arrivals.publish(added, record.lastId());
    }
}
