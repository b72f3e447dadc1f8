package dev.newsstream.feed.control;

/** The sources file cannot be used; the message names the file, the source and the problem. */
public class SourcesFileException extends RuntimeException {
    public SourcesFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
