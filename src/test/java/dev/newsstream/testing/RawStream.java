package dev.newsstream.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * A stream request over a plain socket, for what {@code HttpClient} cannot do: connect from another
 * loopback address (127.0.0.2, 127.0.0.3, …: the whole 127.0.0.0/8 is loopback, so the server sees
 * several client hosts) and stop reading with a tiny receive window, as a stalled client does.
 * What it reads is kept raw (chunk headers included): enough to look for an event name.
 */
public final class RawStream implements AutoCloseable {

    private final Socket socket;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private volatile boolean ended;
    private volatile boolean readerStarted;

    private RawStream(Socket socket) {
        this.socket = socket;
    }

    /** Opens {@code path} from {@code localAddress}; {@code receiveBuffer} > 0 shrinks the receive window. */
    public static RawStream open(URL base, String path, String localAddress, int receiveBuffer, String... headers)
            throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) socket.setReceiveBufferSize(receiveBuffer);
        socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
        socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
        StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\n"
                + "Accept: text/event-stream\r\n");
        for (String h : headers) request.append(h).append("\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return new RawStream(socket);
    }

    /** Reads in the background until the stream ends. */
    public RawStream reading() {
        readerStarted = true;
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (InputStream in = socket.getInputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    synchronized (received) {
                        received.write(buffer, 0, n);
                    }
                }
            } catch (IOException e) {
                // reset or closed: ended either way
            } finally {
                ended = true;
            }
        }, "raw-stream-reader");
        reader.setDaemon(true);
        reader.start();
        return this;
    }

    public String text() {
        synchronized (received) {
            return received.toString(StandardCharsets.UTF_8);
        }
    }

    public boolean has(String event) {
        String t = text();
        return t.contains("event: " + event + "\n") || t.contains("event:" + event + "\n");
    }

    public boolean awaitEvent(String event, Duration timeout) throws InterruptedException {
        return Wait.waitFor(() -> has(event), timeout);
    }

    public boolean ended() {
        return ended;
    }

    /**
     * Whether the server still holds its end of this connection open, as the kernel's connection table
     * ({@code /proc/net/tcp}, Linux) shows it: the server's socket towards this client is ESTABLISHED. Read
     * without reading the stream, so a server that closes only once the client has taken what is queued (a
     * graceful close) still shows as holding it. Null where the table cannot be read.
     */
    public Boolean serverHoldsConnection() {
        // IPv4 in the table's byte order; an IPv6 socket lists it mapped (…FFFF0000 + these 8 digits) in tcp6
        String serverEnd = String.format(":%04X", socket.getPort());
        String clientEnd = String.format("%08X:%04X", Integer.reverseBytes(
                java.nio.ByteBuffer.wrap(socket.getLocalAddress().getAddress()).getInt()), socket.getLocalPort());
        try {
            boolean held = false;
            for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                held |= java.nio.file.Files.readAllLines(java.nio.file.Path.of(table)).stream()
                        .map(l -> l.trim().split("\\s+"))
                        .anyMatch(f -> f.length > 3 && f[1].endsWith(serverEnd) && f[2].endsWith(clientEnd)
                                && f[3].equals("01"));
            }
            return held;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Starts reading now (after stalling) and tells whether the server had closed the connection: EOF or reset in time. */
    public boolean readsToEnd(Duration timeout) throws InterruptedException {
        if (!readerStarted) reading();
        return Wait.waitFor(() -> ended, timeout);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // gone
        }
    }
}
