package dev.newsstream.feed.control;

/** The bytes are not a feed ROME can read; the message is meant for people ("not an RSS or Atom feed: ..."). */
public class FeedParseException extends Exception {
    public FeedParseException(String message, Throwable cause) {
        super(message, cause);
    }
}
