package dev.newsstream.feed.control;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body but gives up, and cancels the subscription (which closes the
 * connection), as soon as it grows past the cap: an endless body costs at most {@code cap} bytes.
 */
final class CappedBodySubscriber implements BodySubscriber<byte[]> {

    /** The body outgrew the cap; carries no stack trace because it is an expected outcome. */
    static final class BodyTooLargeException extends RuntimeException {
        BodyTooLargeException() {
            super("body larger than cap", null, false, false);
        }
    }

    private final long cap;
    private final boolean drop;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    private CappedBodySubscriber(long cap, boolean drop) {
        this.cap = cap;
        this.drop = drop;
    }

    static CappedBodySubscriber upTo(long cap) {
        return new CappedBodySubscriber(cap, false);
    }

    /** For answers whose body we never use (redirects, errors): cancelling at once closes the connection. */
    static CappedBodySubscriber dropping() {
        return new CappedBodySubscriber(0, true);
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (drop) {
            s.cancel();
            result.complete(new byte[0]);
            return;
        }
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (result.isDone()) return;
        for (ByteBuffer buffer : buffers) {
            if (bytes.size() + (long) buffer.remaining() > cap) {
                subscription.cancel();
                result.completeExceptionally(new BodyTooLargeException());
                return;
            }
            byte[] chunk = new byte[buffer.remaining()];
            buffer.get(chunk);
            bytes.write(chunk, 0, chunk.length);
        }
    }

    @Override
    public void onError(Throwable error) {
        result.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        result.complete(bytes.toByteArray());
    }
}
