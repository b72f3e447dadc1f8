package dev.newsstream.stream.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Watches every stream's connection through the kernel's connection table ({@link TcpTable}), one read for
 * all of them every {@code newsstream.stream.connection-check}:
 * <ul>
 * <li>a client that has stopped reading while the kernel still takes its bytes: its own receive buffer is
 * full and it advertises a zero window; our send buffer and the container's queue still have room, so no
 * write of ours waits and the outbox looks healthy, until megabytes later. A channel seen so at every
 * check for longer than the write deadline is let go (see {@link SseChannel#zeroWindow});</li>
 * <li>a client that has left: its connection waits in {@code CLOSE_WAIT} until we close our end. An idle live stream writes only every 15 s, so without this it would be found at its second or
 * third heartbeat; with it, within one check, and no socket of ours is touched to find out.</li>
 * </ul>
 * Linux only: where the table cannot be read, each channel probes its own socket
 * ({@code newsstream.stream.disconnect-probe}) and the byte bound and the write deadline still hold.
 */
@ApplicationScoped
public class ConnectionTableWatch {

    private static final Logger LOG = Logger.getLogger(ConnectionTableWatch.class.getName());

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
        start(scheduler);
    }

    /** Starts the checks on this scheduler: the container's in production, a plain one in ConnectionTableWatchTest. */
    void start(ScheduledExecutorService scheduler) {
        long every = settings.connectionCheck().toMillis();
        if (every <= 0) return;
        if (!TcpTable.available()) {
            LOG.info("The kernel's connection table cannot be read here: clients that stop reading are found by the"
                    + " byte bound and the write deadline only, clients that leave by each socket's own probe");
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
            Set<Integer> ports = new HashSet<>();
            for (StreamSession session : registry.sessions()) {
                TcpTable.Peer peer = session.channel().peer();
                if (peer != null) ports.add(peer.localPort());
            }
            TcpTable.Snapshot table = TcpTable.read(ports);
            long now = System.nanoTime();
            for (StreamSession session : registry.sessions()) {
                SseChannel channel = session.channel();
                TcpTable.Peer peer = channel.peer();
                if (peer != null) channel.seenInTable(table.stateOf(peer), now);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "The connection table check failed; it runs again", e);
        }
    }
}
