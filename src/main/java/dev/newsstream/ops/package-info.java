/**
 * Operations: what an operator sees when the service seems stuck, and who may see it.
 *
 * <p>Its promise: the truth about the running server (fetches in flight and where their threads are,
 * request threads busy too long, every thread's stack, metrics that move) without the looking slowing
 * or exposing the server. Entry points: {@code boundary.ExecutorResource} ({@code /debug/executor}),
 * {@code boundary.ThreadsResource} ({@code /debug/threads}, one dump per interval via
 * {@code control.ThreadDumpThrottle}), {@code boundary.DebugGuardFilter} (every {@code /debug/*}
 * resource, whatever the spelling of its path: loopback only, or the bearer token; the decision itself
 * is {@code control.DebugAccess}), {@code control.Watchdog} (logs hung fetches and slow request threads),
 * {@code control.NewsMetrics} and {@code control.ExecutorView}. Knobs: {@code control.OpsSettings}.
 */
package dev.newsstream.ops;
