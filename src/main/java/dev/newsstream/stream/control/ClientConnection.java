package dev.newsstream.stream.control;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One client's TCP connection as the container holds it, so that what the client pins can be counted
 * and a stalled client can be let go at the connection rather than after a blocked write.
 *
 * <p>Payara's HTTP layer is Grizzly: a servlet write goes into the connection's async write queue
 * (a {@code TaskQueue} counting its bytes) and from there into the kernel's socket send buffer. By default
 * Grizzly lets that queue grow to four times the send buffer before a write blocks, and Linux grows the
 * send buffer to megabytes, so a client that stops reading costs many MB and a writer thread before
 * anything looks wrong. No servlet or JAX-RS API exposes either, so this reaches the Grizzly connection
 * behind the request by reflection (Catalina's {@code RequestFacade.request} → {@code getCoyoteRequest()}
 * → {@code getContext().getConnection()}) and
 * <ul>
 * <li>caps the socket's send buffer ({@code SO_SNDBUF}; Linux doubles the value and stops auto-tuning it),</li>
 * <li>tells Grizzly never to block a write on this connection: the channel decides when to write, by
 * reading the queue's size, so a writer thread never waits for a client,</li>
 * <li>and closes the connection itself when the client is let go, which fails whatever is still queued.</li>
 * </ul>
 * On another container (or if Grizzly's internals change) {@link #observable()} is false and the channel
 * falls back to writes bounded by the write deadline.
 */
public final class ClientConnection {

    private static final Logger LOG = Logger.getLogger(ClientConnection.class.getName());

    private final Object connection;
    private final Object writeQueue;
    private final Method queuedBytes;
    private final Method terminate;
    private final int sendBuffer;
    private final String unobservable;
    private SocketChannel socket;
    private TcpTable.Peer peer;
    private Method setMax;
    private int originalMax;
    private boolean goneAtOpen;

    private ClientConnection(Object connection, Object writeQueue, Method queuedBytes, Method terminate,
                             int sendBuffer, String unobservable) {
        this.connection = connection;
        this.writeQueue = writeQueue;
        this.queuedBytes = queuedBytes;
        this.terminate = terminate;
        this.sendBuffer = sendBuffer;
        this.unobservable = unobservable;
    }

    /** A connection nothing is known about: the channel falls back to bounded blocking writes. */
    public static ClientConnection unobservable(String why) {
        return new ClientConnection(null, null, null, null, 0, why);
    }

    /**
     * A connection known only by its place in the kernel's connection table: found gone or stalled by
     * {@link ConnectionTableWatch} alone. What a unit test can make without a container.
     */
    static ClientConnection unobservable(String why, TcpTable.Peer peer) {
        ClientConnection known = unobservable(why);
        known.peer = peer;
        return known;
    }

    /** Finds the Grizzly connection behind the request and caps it; never throws. */
    public static ClientConnection of(ServletRequest request, int sendBufferBytes) {
        if (request == null) return unobservable("no servlet request");
        ClientConnection found = observe(request, sendBufferBytes);
        found.peer = peerOf(request);
        return found;
    }

    /** The connection as the kernel's table names it; null if the request cannot say. */
    private static TcpTable.Peer peerOf(ServletRequest request) {
        try {
            return new TcpTable.Peer(request.getLocalPort(), java.net.InetAddress.getByName(request.getRemoteAddr()),
                    request.getRemotePort());
        } catch (java.net.UnknownHostException | RuntimeException e) {
            return null; // a literal address never needs a lookup; anything else is not worth one
        }
    }

    private static ClientConnection observe(ServletRequest request, int sendBufferBytes) {
        try {
            Object r = request;
            while (r instanceof ServletRequestWrapper wrapper) r = wrapper.getRequest();
            Object catalina = field(r, "request");
            Object grizzlyRequest = call(catalina, "getCoyoteRequest");
            Object context = call(grizzlyRequest, "getContext");
            Object connection = call(context, "getConnection");
            Object queue = call(connection, "getAsyncWriteQueue");
            Method queuedBytes = queue.getClass().getMethod("spaceInBytes");
            // not closeSilently(): that is Grizzly's graceful close, which waits until the queue has gone out,
            // i.e. forever for a client that reads nothing, and keeps every queued byte on the heap meanwhile
            Method terminate = connection.getClass().getMethod("terminateSilently");
            Method setMax = connection.getClass().getMethod("setMaxAsyncWriteQueueSize", int.class);
            SocketChannel channel = (SocketChannel) call(connection, "getChannel");
            if (sendBufferBytes > 0) channel.setOption(StandardSocketOptions.SO_SNDBUF, sendBufferBytes);
            int effective = channel.getOption(StandardSocketOptions.SO_SNDBUF);
            int originalMax = (Integer) call(connection, "getMaxAsyncWriteQueueSize");
            setMax.invoke(connection, -1); // never block a write: the channel gates them by the queue's size
            ClientConnection observed = new ClientConnection(connection, queue, queuedBytes, terminate, effective, null);
            observed.setMax = setMax;
            // under TLS the client may still send records (a key update) that must not be taken from the engine
            if (!request.isSecure()) observed.socket = channel;
            observed.originalMax = originalMax;
            return observed;
        } catch (java.nio.channels.ClosedChannelException e) {
            ClientConnection gone = unobservable("the client had already left");
            gone.goneAtOpen = true;
            return gone;
        } catch (ReflectiveOperationException | RuntimeException | IOException | LinkageError e) {
            String why = e instanceof InvocationTargetException ite ? String.valueOf(ite.getCause()) : String.valueOf(e);
            LOG.log(Level.FINE, "The client's connection cannot be observed", e);
            return unobservable(why);
        }
    }

    private static Object field(Object target, String name) throws ReflectiveOperationException {
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                Object value = f.get(target);
                if (value == null) throw new NoSuchFieldException(name + " is null in " + c.getName());
                return value;
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(name + " in " + target.getClass().getName());
    }

    private static Object call(Object target, String method) throws ReflectiveOperationException {
        Method m = target.getClass().getMethod(method);
        Object value = m.invoke(target);
        if (value == null) throw new NoSuchMethodException(method + "() returned null on " + target.getClass().getName());
        return value;
    }

    /** This connection in the kernel's connection table (our port, the client's address and port); may be null. */
    public TcpTable.Peer peer() {
        return peer;
    }

    /** True when the queue and the send buffer are known and the connection can be closed directly. */
    public boolean observable() {
        return connection != null;
    }

    /**
     * True when the client had closed its connection before the stream opened: this one connection could not be
     * observed, which says nothing about the others (the operator's warning is not for this).
     */
    public boolean goneAtOpen() {
        return goneAtOpen;
    }

    /** Why it is not observable (null when it is). */
    public String unobservableBecause() {
        return unobservable;
    }

    /** Bytes the container has taken for this client but the kernel has not (Grizzly's write queue). */
    public int queuedBytes() {
        if (connection == null) return 0;
        try {
            return (Integer) queuedBytes.invoke(writeQueue);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return 0;
        }
    }

    /** What the kernel may hold for this client at most: the send buffer's size as the kernel reports it. */
    public int sendBufferBytes() {
        return sendBuffer;
    }

    /**
     * After a stream ended cleanly the connection may serve further requests (keep-alive): they get the
     * container's usual blocking writes back. The capped send buffer stays; it only slows big answers.
     */
    public void restore() {
        if (connection == null || setMax == null) return;
        try {
            setMax.invoke(connection, originalMax);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "Restoring the connection's write queue limit failed", e);
        }
    }

    /**
     * Whether the client has closed its end: a non-blocking read of the socket sees the end of the stream
     * (or a reset). Only asked while an event stream is open on the connection, when an HTTP/1.1 client
     * sends nothing (EventSource never pipelines), so nothing of a later request can be taken from it.
     * Cheap: one system call that returns at once; never blocks.
     */
    public boolean peerClosed() {
        SocketChannel s = socket;
        if (s == null) return false;
        try {
            return s.read(java.nio.ByteBuffer.allocate(1)) < 0;
        } catch (IOException e) {
            return true; // reset by the peer, or closed under us: gone either way
        } catch (RuntimeException e) {
            return false; // a blocking channel after all (IllegalBlockingModeException): not ours to judge
        }
    }

    /** Closes the TCP connection: queued bytes are dropped and a write still in progress fails at once. */
    public void close() {
        if (connection == null) return;
        try {
            terminate.invoke(connection);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "Closing the client's connection failed; the sink's close follows", e);
        }
    }
}
