package dev.newsstream.stream.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Finds clients that have stopped reading while the kernel still takes their bytes. Such a client's
 * own receive buffer is full and it advertises a zero window; our send buffer and the container's queue
 * still have room, so no write of ours waits and the outbox looks healthy, until megabytes later.
 * Every {@code newsstream.stream.zero-window-check} this asks the kernel's connection table which
 * connections wait on a zero window, and tells each stream's channel; a channel seen so at every check
 * for longer than the write deadline is let go (see {@link SseChannel#zeroWindow}). Linux only: where the
 * table cannot be read, the byte bound and the write deadline still hold.
 */
@ApplicationScoped
public class ZeroWindowWatch {

    private static final Logger LOG = Logger.getLogger(ZeroWindowWatch.class.getName());

    @Inject
    StreamSettings settings;

    @Inject
    StreamRegistry registry;

    @Resource(lookup = "concurrent/newsstream/scheduler")
    ManagedScheduledExecutorService scheduler;

    private ScheduledFuture<?> task;

    void startWithApplication(@Observes @Initialized(ApplicationScoped.class) Object start) {
        // observing start-up creates the bean, and so starts the checks
    }

    @PostConstruct
    void start() {
        long every = settings.zeroWindowCheck().toMillis();
        if (every <= 0) return;
        if (!TcpTable.available()) {
            LOG.info("The kernel's connection table cannot be read here: clients that stop reading are found by the"
                    + " byte bound and the write deadline only");
            return;
        }
        task = scheduler.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (task != null) task.cancel(false);
    }

    void check() {
        try {
            if (registry.activeCount() == 0) return;
            Set<TcpTable.Peer> stalled = TcpTable.zeroWindowPeers();
            long now = System.nanoTime();
            for (StreamSession session : registry.sessions()) {
                TcpTable.Peer peer = session.channel().peer();
                session.channel().zeroWindow(peer != null && stalled.contains(peer), now);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "The zero-window check failed; it runs again", e);
        }
    }
}
