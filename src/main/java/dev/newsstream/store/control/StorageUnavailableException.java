package dev.newsstream.store.control;

/** The database cannot be used at start-up; the message says which one and why, and is all there is to say. */
public class StorageUnavailableException extends RuntimeException {

    public StorageUnavailableException(String message) {
        super(message, null, false, false);
    }
}
