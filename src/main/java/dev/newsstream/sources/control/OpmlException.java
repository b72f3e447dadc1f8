package dev.newsstream.sources.control;

/** An OPML file that cannot be read; the message says why, for a 400. */
public final class OpmlException extends RuntimeException {
    public OpmlException(String message) {
        super(message);
    }
}
