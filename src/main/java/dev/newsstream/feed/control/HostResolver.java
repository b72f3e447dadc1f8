package dev.newsstream.feed.control;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Resolves a feed's host name within the fetch's deadline, on a pool of its own.
 *
 * <p>Why: JDK 17's HttpClient resolves the name inside the exchange, on a thread of the client's own
 * executor ({@code HttpRequestImpl.getAddress} from {@code Exchange.establishExchange}), and neither its
 * connect timeout nor its request timeout covers that lookup. A name server that never answers would
 * therefore hold one of the client's few callback threads per fetch until the operating system's resolver
 * gives up, and with all of them held no exchange of any feed could progress. Resolving first, here, bounds
 * the wait by the fetch's deadline and keeps a hanging lookup on this pool; the client's own lookup then
 * hits the JDK's address cache ({@code networkaddress.cache.ttl}, 30 s by default). IP literals need no
 * lookup and skip the pool. What still cannot be bounded: the JDK cannot interrupt a lookup, so a hung one
 * holds its pool thread until the OS resolver returns; lookups of the same name wait for each other.
 */
public final class HostResolver {

    /** What resolves a name; {@link InetAddress#getAllByName} in production. */
    @FunctionalInterface
    public interface Lookup {
        InetAddress[] lookup(String host) throws UnknownHostException;
    }

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final ExecutorService pool;
    private final Lookup lookup;

    public HostResolver(ExecutorService pool, Lookup lookup) {
        this.pool = pool;
        this.lookup = lookup;
    }

    /**
     * The host's addresses.
     *
     * @throws UnknownHostException the name does not resolve
     * @throws TimeoutException     no answer within {@code within} (or no free resolver thread)
     */
    public InetAddress[] resolve(String host, Duration within)
            throws UnknownHostException, TimeoutException, InterruptedException {
        CompletableFuture<InetAddress[]> answer = resolveAsync(host);
        try {
            return answer.get(Math.max(1, within.toMillis()), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | InterruptedException e) {
            answer.cancel(true); // frees its queue slot if it has not started; a started lookup runs on
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TimeoutException t) throw t;
            if (e.getCause() instanceof UnknownHostException u) throw u;
            UnknownHostException u = new UnknownHostException(host);
            u.initCause(e.getCause());
            throw u;
        }
    }

    /**
     * The host's addresses, later, holding no thread of the caller's. It fails with an
     * {@link UnknownHostException} (the name does not resolve) or a {@link TimeoutException} (no resolver
     * thread free); it has no deadline of its own: the caller bounds it and cancels it, which frees its
     * queue slot if the lookup has not started.
     */
    public CompletableFuture<InetAddress[]> resolveAsync(String host) {
        if (isLiteral(host)) { // no name service involved
            try {
                return CompletableFuture.completedFuture(InetAddress.getAllByName(host));
            } catch (UnknownHostException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        CompletableFuture<InetAddress[]> answer = new CompletableFuture<>();
        Future<?> task;
        try {
            task = pool.submit(() -> {
                try {
                    answer.complete(lookup.lookup(host));
                } catch (UnknownHostException e) {
                    answer.completeExceptionally(e);
                } catch (Throwable e) {
                    UnknownHostException u = new UnknownHostException(host);
                    u.initCause(e);
                    answer.completeExceptionally(u);
                }
            });
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new TimeoutException("no resolver thread free"));
        }
        answer.whenComplete((addresses, error) -> {
            if (answer.isCancelled()) task.cancel(true);
        });
        return answer;
    }

    static boolean isLiteral(String host) {
        return IPV4.matcher(host).matches() || host.startsWith("[") || host.indexOf(':') >= 0;
    }
}
