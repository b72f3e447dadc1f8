package dev.newsstream.stream.control;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The kernel's own view of this host's TCP connections ({@code /proc/self/net/tcp} and {@code tcp6} on
 * Linux), read for one fact Java cannot see: which connections wait on a peer that advertises a zero
 * receive window. The kernel then runs the zero-window probe timer ({@code tr} = 4) for the connection:
 * the peer has stopped reading and its buffer is full, while our own send buffer may still take bytes.
 */
final class TcpTable {

    /** One end of a connection as the table names it: our local port and the peer's address and port. */
    record Peer(int localPort, InetAddress address, int port) {
    }

    static final List<Path> FILES = List.of(Path.of("/proc/self/net/tcp"), Path.of("/proc/self/net/tcp6"));
    private static final String ZERO_WINDOW_PROBE = "04";

    private TcpTable() {
    }

    /** Whether the table can be read here (Linux); elsewhere nothing is found and nothing is closed. */
    static boolean available() {
        return FILES.stream().anyMatch(Files::isReadable);
    }

    /** Every connection whose peer's window is zero now. */
    static Set<Peer> zeroWindowPeers() {
        Set<Peer> peers = new HashSet<>();
        for (Path file : FILES) {
            if (!Files.isReadable(file)) continue;
            try (Stream<String> lines = Files.lines(file, StandardCharsets.US_ASCII)) {
                lines.skip(1).forEach(line -> {
                    Peer peer = zeroWindowPeer(line);
                    if (peer != null) peers.add(peer);
                });
            } catch (IOException | UncheckedIOException e) {
                // the table is a view of the moment: a read that fails finds nobody this time
            }
        }
        return peers;
    }

    /** The peer of one table line if that connection waits on a zero window, else null. */
    static Peer zeroWindowPeer(String line) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 6 || !f[5].startsWith(ZERO_WINDOW_PROBE + ":")) return null;
        try {
            int localPort = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
            int colon = f[2].indexOf(':');
            InetAddress address = InetAddress.getByAddress(address(f[2].substring(0, colon)));
            return new Peer(localPort, address, Integer.parseInt(f[2].substring(colon + 1), 16));
        } catch (RuntimeException | UnknownHostException e) {
            return null;
        }
    }

    /** The table writes each 32-bit word of an address in the host's (little-endian) byte order. */
    private static byte[] address(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int b = 0; b < 4; b++) {
                int at = (word * 4 + b) * 2;
                bytes[word * 4 + 3 - b] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        return bytes; // 16 bytes of an IPv4-mapped address become an Inet4Address
    }
}
