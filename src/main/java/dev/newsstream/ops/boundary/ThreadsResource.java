package dev.newsstream.ops.boundary;

import dev.newsstream.http.Problem;
import dev.newsstream.ops.control.ThreadDumpThrottle;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code GET /debug/threads?state=&name=}: a JSON thread dump of this JVM, the first thing to read when it
 * seems stuck. One dump per {@code newsstream.debug.threads-interval} per server; sooner, 429 with
 * {@code Retry-After}.
 */
@Path("debug/threads")
@Produces(MediaType.APPLICATION_JSON)
public class ThreadsResource {

    public record ThreadView(long id, String name, String state, String lock, String lockOwner, boolean daemon,
                             List<String> stack) {
        static ThreadView of(ThreadInfo t, boolean daemon) {
            return new ThreadView(t.getThreadId(), t.getThreadName(), t.getThreadState().name(), t.getLockName(),
                    t.getLockOwnerName(), daemon, Arrays.stream(t.getStackTrace()).map(StackTraceElement::toString).toList());
        }
    }

    public record ThreadDump(int count, List<ThreadView> threads) {
    }

    @Inject
    ThreadDumpThrottle throttle;

    @GET
    public ThreadDump threads(@QueryParam("state") String state, @QueryParam("name") String name) {
        Thread.State wanted = parse(state);
        throttle.claim().ifPresent(wait -> {
            long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
            throw new WebApplicationException(Response.fromResponse(Problem.response(Response.Status.TOO_MANY_REQUESTS,
                    "one thread dump per newsstream.debug.threads-interval per server; try again in " + seconds + " s"))
                    .header(HttpHeaders.RETRY_AFTER, seconds).build());
        });
        String needle = name == null || name.isBlank() ? null : name.toLowerCase(Locale.ROOT);
        java.util.Map<Long, Boolean> daemons = new java.util.HashMap<>();
        Thread.getAllStackTraces().keySet().forEach(t -> daemons.put(t.getId(), t.isDaemon()));
        List<ThreadView> threads = Arrays.stream(ManagementFactory.getThreadMXBean().dumpAllThreads(false, false))
                .filter(t -> wanted == null || t.getThreadState() == wanted)
                .filter(t -> needle == null || t.getThreadName().toLowerCase(Locale.ROOT).contains(needle))
                .map(t -> ThreadView.of(t, daemons.getOrDefault(t.getThreadId(), false)))
                .toList();
        return new ThreadDump(threads.size(), threads);
    }

    private static Thread.State parse(String state) {
        if (state == null || state.isBlank()) return null;
        try {
            return Thread.State.valueOf(state.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest("state must be one of " + Arrays.toString(Thread.State.values()) + ", got '" + state + "'");
        }
    }
}
