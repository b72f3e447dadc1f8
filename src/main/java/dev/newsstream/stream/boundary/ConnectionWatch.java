package dev.newsstream.stream.boundary;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Tells a stream as soon as the container itself learns that its connection is gone (the servlet
 * request's async listener), so an idle live client need not wait for its heartbeats' writes to fail.
 * Harmless when the container never says so: the heartbeats still find the client.
 */
final class ConnectionWatch implements AsyncListener {

    private final Runnable gone;

    private ConnectionWatch(Runnable gone) {
        this.gone = gone;
    }

    static void watch(HttpServletRequest request, Runnable gone) {
        if (request != null && request.isAsyncStarted()) request.getAsyncContext().addListener(new ConnectionWatch(gone));
    }

    @Override
    public void onComplete(AsyncEvent event) {
        gone.run();
    }

    @Override
    public void onError(AsyncEvent event) {
        gone.run();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        // Jersey sets no timeout on an event stream
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // not restarted
    }
}
