package dev.newsstream.feed.control;

import java.net.URI;

/**
 * Hears where a source's read is, so whoever watches fetches can tell a fetch waiting on the network (no
 * thread) from one being parsed (a thread, whose stack says where) and judge its age by its current exchange.
 */
public interface ReadProgress {

    /** A URL's exchange begins (name lookup, connect, headers, body): no thread is held from here. */
    void exchangeStarted(URI url);

    /** The exchange is over; its answer waits for a feed thread to be parsed on. */
    void exchangeEnded();

    /** On the feed thread: its answer is parsed (and, for the last URL, recorded) now; false once it returns. */
    void parsing(boolean onThisThread);

    ReadProgress NONE = new ReadProgress() {
        @Override
        public void exchangeStarted(URI url) {
        }

        @Override
        public void exchangeEnded() {
        }

        @Override
        public void parsing(boolean onThisThread) {
        }
    };
}
