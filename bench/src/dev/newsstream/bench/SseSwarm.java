package dev.newsstream.bench;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Many SSE clients on ONE selector thread: raw HTTP/1.1 over non-blocking sockets, chunked
 * transfer decoding and an SSE frame parser that keeps O(1) state per connection (it only needs event
 * names, not data), so 10,000 idle clients cost a few MB and one thread. Every frame is timestamped by
 * the selector thread the moment its terminating blank line is read.
 *
 * <p>{@link Stream#abort()} closes the socket the way a closed browser tab does (FIN, or RST if
 * unread bytes remain), on the selector thread, and records when it did.
 */
final class SseSwarm implements AutoCloseable {

    /** Told of every frame (on the selector thread: must not block). */
    interface Listener {
        void frame(Stream stream, String event, long nanos);

        default void ended(Stream stream, long nanos) {
        }
    }

    private final InetSocketAddress server;
    private final Selector selector;
    private final Thread loop;
    private final ConcurrentLinkedQueue<Stream> toOpen = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(256 * 1024);
    private final AtomicInteger open = new AtomicInteger();
    private volatile boolean running = true;
    private volatile Listener listener = (s, e, n) -> { };

    SseSwarm(int port) {
        this.server = new InetSocketAddress("127.0.0.1", port);
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        loop = new Thread(this::run, "sse-swarm-selector");
        loop.setDaemon(true);
        loop.start();
    }

    void listener(Listener listener) {
        this.listener = listener;
    }

    /** Starts opening a stream at once; its startNanos is now. */
    Stream open(String pathAndQuery) {
        Stream s = new Stream(pathAndQuery);
        toOpen.add(s);
        selector.wakeup();
        return s;
    }

    /** Sockets currently open (connected or connecting). */
    int openCount() {
        return open.get();
    }

    /** Closes these streams on the selector thread; returns once every one of them is closed. */
    void abortAll(List<Stream> streams) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        tasks.add(() -> {
            long now = System.nanoTime();
            for (Stream s : streams) s.closeNow(now, "aborted");
            try {
                selector.selectNow(); // deregisters the cancelled keys, which really closes the sockets now
            } catch (IOException ignored) {
                // the selector is going away
            }
            done.countDown();
        });
        selector.wakeup();
        if (!done.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("aborts did not run");
    }

    /** Waits until every stream satisfies the condition (polling every 5 ms); false on timeout. */
    static boolean await(List<Stream> streams, Predicate<Stream> condition, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        int from = 0;
        while (true) {
            while (from < streams.size() && condition.test(streams.get(from))) from++;
            if (from == streams.size()) return true;
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(5);
        }
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            loop.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SelectionKey key : selector.keys()) {
            try {
                key.channel().close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private void run() {
        while (running) {
            try {
                selector.select(100);
                Stream s;
                while ((s = toOpen.poll()) != null) connect(s);
                Runnable task;
                while ((task = tasks.poll()) != null) task.run();
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    Stream stream = (Stream) key.attachment();
                    if (!key.isValid()) continue;
                    try {
                        if (key.isConnectable()) stream.finishConnect(key);
                        else if (key.isWritable()) stream.writeRequest(key);
                        else if (key.isReadable()) stream.read();
                    } catch (IOException e) {
                        stream.closeNow(System.nanoTime(), "io error: " + e.getMessage());
                    }
                }
            } catch (IOException e) {
                if (running) e.printStackTrace();
            } catch (RuntimeException e) {
                e.printStackTrace();
            }
        }
    }

    private void connect(Stream s) {
        try {
            SocketChannel ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            s.channel = ch;
            open.incrementAndGet();
            if (s.aborted) {
                s.closeNow(System.nanoTime(), "aborted");
                return;
            }
            if (ch.connect(server)) {
                s.key = ch.register(selector, SelectionKey.OP_WRITE, s);
                s.connectedNanos = System.nanoTime();
            } else {
                s.key = ch.register(selector, SelectionKey.OP_CONNECT, s);
            }
        } catch (IOException e) {
            s.closeNow(System.nanoTime(), "connect failed: " + e.getMessage());
        }
    }

    /** One client stream; its fields are written by the selector thread and safe to read from any thread. */
    final class Stream {
        final String path;
        final long startNanos = System.nanoTime();
        volatile long connectedNanos;
        volatile long headersNanos;
        volatile long firstEventNanos;
        volatile String firstEvent;
        volatile long startingNanos;
        volatile long completeNanos;
        volatile long firstArticleNanos;
        volatile long lastArticleNanos;
        volatile long endNanos;
        volatile int status = -1;
        volatile int frames;
        volatile long bytes;
        volatile int comments;
        volatile int articles;
        volatile int errors;
        volatile String endReason;
        volatile boolean aborted;

        private SocketChannel channel;
        private SelectionKey key;
        private ByteBuffer request;
        // HTTP head
        private ByteArrayOutputStream head = new ByteArrayOutputStream(256);
        private boolean chunked;
        // chunked decoding: 0 size line, 1 data, 2 CRLF after data, 3 trailer/done
        private int chunkState;
        private long chunkSize;
        private boolean sizeDone;
        private long chunkLeft;
        // SSE parsing: only the first bytes of each line matter
        private final byte[] line = new byte[48];
        private int lineLen;
        private String event;
        private boolean hasData;
        private boolean hasComment;

        private Stream(String path) {
            this.path = path;
        }

        /** Drops the connection as a closed tab does; returns at once (the selector thread does it). */
        void abort() {
            aborted = true;
            tasks.add(() -> closeNow(System.nanoTime(), "aborted"));
            selector.wakeup();
        }

        boolean ended() {
            return endNanos != 0;
        }

        private void finishConnect(SelectionKey k) throws IOException {
            if (channel.finishConnect()) {
                connectedNanos = System.nanoTime();
                k.interestOps(SelectionKey.OP_WRITE);
            }
        }

        private void writeRequest(SelectionKey k) throws IOException {
            if (request == null) {
                request = ByteBuffer.wrap(("GET " + path + " HTTP/1.1\r\nHost: " + server.getHostString() + ":"
                        + server.getPort() + "\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n"
                        + "User-Agent: newsstream-bench\r\n\r\n").getBytes(ISO_8859_1));
            }
            channel.write(request);
            if (!request.hasRemaining()) {
                request = null;
                k.interestOps(SelectionKey.OP_READ);
            }
        }

        private void read() throws IOException {
            while (true) {
                readBuffer.clear();
                int n = channel.read(readBuffer);
                long now = System.nanoTime();
                if (n < 0) {
                    closeNow(now, "server closed");
                    return;
                }
                if (n == 0) return;
                bytes += n;
                readBuffer.flip();
                while (readBuffer.hasRemaining() && endNanos == 0) {
                    if (head != null) headByte(readBuffer.get(), now);
                    else if (chunked) chunkedByte(readBuffer.get(), now);
                    else sseByte(readBuffer.get(), now);
                }
                if (endNanos != 0) return;
            }
        }

        private void headByte(byte b, long now) {
            head.write(b);
            int size = head.size();
            if (size >= 4 && b == '\n') {
                byte[] bytes = head.toByteArray();
                if (bytes[size - 2] == '\r' && bytes[size - 3] == '\n' && bytes[size - 4] == '\r') {
                    String text = new String(bytes, ISO_8859_1);
                    String[] lines = text.split("\r\n");
                    String[] statusLine = lines[0].split(" ");
                    status = statusLine.length > 1 ? Integer.parseInt(statusLine[1]) : -1;
                    for (String h : lines) {
                        String lower = h.toLowerCase(java.util.Locale.ROOT);
                        if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) chunked = true;
                    }
                    headersNanos = now;
                    head = null;
                }
            }
        }

        private void chunkedByte(byte b, long now) {
            switch (chunkState) {
                case 0 -> { // size line: hex digits, maybe ";ext", then CRLF
                    if (b == '\n') {
                        if (chunkSize == 0) {
                            chunkState = 3; // the last chunk: the response is over (the connection may stay open)
                            closeNow(now, "server ended the response");
                        } else {
                            chunkLeft = chunkSize;
                            chunkState = 1;
                        }
                        chunkSize = 0;
                        sizeDone = false;
                    } else if (b == ';' || b == '\r' || b == ' ') {
                        sizeDone = true;
                    } else if (!sizeDone) {
                        chunkSize = chunkSize * 16 + Character.digit(b, 16);
                    }
                }
                case 1 -> {
                    sseByte(b, now);
                    if (--chunkLeft == 0) chunkState = 2;
                }
                case 2 -> {
                    if (b == '\n') chunkState = 0;
                }
                default -> { // trailers after the last chunk: ignored
                }
            }
        }

        private void sseByte(byte b, long now) {
            if (b == '\r') return; // the service ends lines with \n; \r\n is tolerated
            if (b != '\n') {
                if (lineLen < line.length) line[lineLen] = b;
                lineLen++;
                return;
            }
            int len = Math.min(lineLen, line.length);
            if (lineLen == 0) {
                if (event != null || hasData) dispatch(event == null ? "message" : event, now);
                else if (hasComment) comments++;
                event = null;
                hasData = false;
                hasComment = false;
            } else if (line[0] == ':') {
                hasComment = true;
            } else if (startsWith(len, "event:")) {
                int from = 6;
                if (from < len && line[from] == ' ') from++;
                event = name(new String(line, from, len - from, UTF_8));
            } else if (startsWith(len, "data:")) {
                hasData = true;
            }
            lineLen = 0;
        }

        private boolean startsWith(int len, String prefix) {
            if (len < prefix.length()) return false;
            for (int i = 0; i < prefix.length(); i++) if (line[i] != prefix.charAt(i)) return false;
            return true;
        }

        private void dispatch(String name, long now) {
            frames++;
            if (firstEventNanos == 0) {
                firstEvent = name;
                firstEventNanos = now;
            }
            switch (name) {
                case "starting" -> {
                    if (startingNanos == 0) startingNanos = now;
                }
                case "complete" -> {
                    if (completeNanos == 0) completeNanos = now;
                }
                case "article" -> {
                    if (firstArticleNanos == 0) firstArticleNanos = now;
                    lastArticleNanos = now;
                    articles++;
                }
                case "error" -> errors++;
                default -> {
                }
            }
            listener.frame(this, name, now);
        }

        private void closeNow(long now, String why) {
            if (endNanos != 0) return;
            endNanos = now;
            endReason = why;
            if (key != null) key.cancel();
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // it is closed either way
                }
                open.decrementAndGet();
            }
            listener.ended(this, now);
        }
    }

    private static final List<String> NAMES = new ArrayList<>(List.of("initial", "starting", "source_complete",
            "source_error", "complete", "article", "resync", "error"));

    /** The known event names as shared strings, so 10,000 streams do not each hold copies. */
    private static String name(String parsed) {
        for (String n : NAMES) if (n.equals(parsed)) return n;
        return parsed;
    }
}
