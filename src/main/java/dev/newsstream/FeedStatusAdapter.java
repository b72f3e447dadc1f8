package dev.newsstream;

import dev.newsstream.feed.entity.FeedStatus;
import jakarta.json.bind.adapter.JsonbAdapter;

/** Writes {@link FeedStatus} in the protocol's lower case ({@code "success"}), wherever it appears. */
final class FeedStatusAdapter implements JsonbAdapter<FeedStatus, String> {

    @Override
    public String adaptToJson(FeedStatus status) {
        return status.wire();
    }

    @Override
    public FeedStatus adaptFromJson(String wire) {
        return FeedStatus.fromWire(wire);
    }
}
