/**
 * The event stream ({@code GET /news/stream}). Its promise: <b>no client and no feed can stall another
 * stream or the server</b>. Each client's {@code StreamSession} reports its sources as they finish and,
 * when its connection ends for any reason, cancels every fetch it still waits for with
 * {@code cancel(true)}. Writes never block a producer: each connection has one writer
 * ({@code SseChannel}) draining a bounded outbox, and a client that cannot keep up is dropped. Fetch
 * results reach the streams on the writer threads, never on the feed thread that fetched them.
 *
 * <p>Entry points:
 * <ul>
 * <li>{@code boundary.NewsStreamResource}: {@code GET /news/stream}, returns at once;</li>
 * <li>{@code boundary.StreamsResource}: {@code GET /debug/streams}, counters only;</li>
 * <li>{@code control.StreamRegistry}: admission under the caps, the heartbeat ticker, the live fan-out;
 *     {@code openChannel} keeps other SSE responses (a refresh's progress) warm;</li>
 * <li>{@code control.StreamSession}: one client's whole protocol, from resume or {@code initial} through
 *     {@code starting}, the fetches and {@code complete} to the live arrivals; {@code control.SourceReports}
 *     reports each source once, held until the client has room, and {@code control.ArrivalFollower} follows
 *     the arrival log at the client's pace;</li>
 * <li>{@code control.InitialFrames}, {@code control.SourceFrames}, {@code control.ArticleFrames}: each
 *     frame's JSON made once for every client that gets it (per cache version, per fetch result, per
 *     arrival), never once per client;</li>
 * <li>{@code control.SseChannel}: the only writer of one connection;</li>
 * <li>{@code control.ConnectionTableWatch}: finds, in one read of the kernel's connection table for all
 *     streams ({@code TcpTable}, Linux), clients that stopped reading while our send buffer still takes
 *     their bytes and clients that have left;</li>
 * <li>{@code control.StreamWriters}: the threads that write and that take fetch results off the feed
 *     threads: container-managed threads from the {@code ManagedThreadFactory}, without a managed
 *     executor's per-task context set-up.</li>
 * </ul>
 * The beans get the container's scheduler, thread factory and metrics injected and hand them on as plain
 * types ({@code ScheduledExecutorService}, {@code ThreadFactory}, {@code control.StreamMetrics}), so admission,
 * the fan-out, the ticker and the connection table are unit-tested without a server.
 */
package dev.newsstream.stream;
