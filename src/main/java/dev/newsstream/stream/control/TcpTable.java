package dev.newsstream.stream.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The kernel's own view of this host's TCP connections ({@code /proc/self/net/tcp} and {@code tcp6} on
 * Linux), read for two facts Java cannot see without touching every socket:
 * <ul>
 * <li>which connections wait on a peer that advertises a zero receive window: the kernel then runs the
 * zero-window probe timer ({@code tr} = 4) for them; the peer has stopped reading and its buffer is full,
 * while our own send buffer may still take bytes;</li>
 * <li>which connections the peer has closed: they sit in {@code CLOSE_WAIT} ({@code st} = 08) until we
 * close our end.</li>
 * </ul>
 * One read of the table answers for every stream at once; it is parsed by hand because a regular
 * expression per line was most of the check's CPU with 10,000 clients.
 */
final class TcpTable {

    /** One end of a connection as the table names it: our local port and the peer's address and port. */
    record Peer(int localPort, InetAddress address, int port) {
    }

    /** What the table says about one connection. */
    enum State { OPEN, ZERO_WINDOW, CLOSED_BY_PEER }

    /**
     * The connections on our listening ports at one moment. A connection missing from it proves nothing: a
     * file may not be readable, and the kernel writes the table a page at a time, so entries that move
     * meanwhile can be skipped.
     */
    record Snapshot(Map<Peer, State> connections) {
        /** The connection's state, or null if the table does not list it. */
        State stateOf(Peer peer) {
            return connections.get(peer);
        }
    }

    static final List<Path> FILES = List.of(Path.of("/proc/self/net/tcp"), Path.of("/proc/self/net/tcp6"));
    private static final String CLOSE_WAIT = "08";
    private static final String ZERO_WINDOW_PROBE = "04";

    private TcpTable() {
    }

    /** Whether the table can be read here (Linux); elsewhere nothing is found and nothing is closed. */
    static boolean available() {
        return FILES.stream().anyMatch(Files::isReadable);
    }

    /** The connections whose local port is one of {@code localPorts} (the ports streams are served on). */
    static Snapshot read(Set<Integer> localPorts) {
        Map<Peer, State> connections = new HashMap<>();
        for (Path file : FILES) {
            if (!Files.exists(file)) continue; // no IPv6 here: nothing to miss
            try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
                lines.readLine(); // the header
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    Line parsed = parse(line);
                    if (parsed != null && localPorts.contains(parsed.peer().localPort())) {
                        connections.put(parsed.peer(), parsed.state());
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the table is a view of the moment: this time it says less
            }
        }
        return new Snapshot(connections);
    }

    /** The peer of one table line if that connection waits on a zero window, else null. */
    static Peer zeroWindowPeer(String line) {
        Line parsed = parse(line);
        return parsed != null && parsed.state() == State.ZERO_WINDOW ? parsed.peer() : null;
    }

    record Line(Peer peer, State state) {
    }

    /**
     * One line: {@code sl local_address rem_address st tx_queue:rx_queue tr:tm->when …}; null for the header
     * or anything unreadable.
     */
    static Line parse(String line) {
        int[] bounds = new int[12]; // start and end of the first six fields
        int at = 0, n = line.length();
        for (int field = 0; field < 6; field++) {
            while (at < n && line.charAt(at) == ' ') at++;
            bounds[2 * field] = at;
            while (at < n && line.charAt(at) != ' ') at++;
            bounds[2 * field + 1] = at;
            if (bounds[2 * field] == at) return null;
        }
        try {
            String local = line.substring(bounds[2], bounds[3]);
            String remote = line.substring(bounds[4], bounds[5]);
            int localColon = local.indexOf(':'), remoteColon = remote.indexOf(':');
            if (localColon < 0 || remoteColon < 0) return null;
            State state = line.startsWith(CLOSE_WAIT, bounds[6]) && bounds[7] - bounds[6] == 2 ? State.CLOSED_BY_PEER
                    : line.startsWith(ZERO_WINDOW_PROBE + ":", bounds[10]) ? State.ZERO_WINDOW : State.OPEN;
            int localPort = Integer.parseInt(local, localColon + 1, local.length(), 16);
            InetAddress address = InetAddress.getByAddress(address(remote, remoteColon));
            return new Line(new Peer(localPort, address, Integer.parseInt(remote, remoteColon + 1, remote.length(), 16)), state);
        } catch (RuntimeException | UnknownHostException e) {
            return null;
        }
    }

    /** The table writes each 32-bit word of an address in the host's (little-endian) byte order. */
    private static byte[] address(String hex, int length) {
        if (length != 8 && length != 32) throw new IllegalArgumentException("not an address: " + hex);
        byte[] bytes = new byte[length / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int b = 0; b < 4; b++) {
                int at = (word * 4 + b) * 2;
                bytes[word * 4 + 3 - b] = (byte) Integer.parseInt(hex, at, at + 2, 16);
            }
        }
        return bytes; // 16 bytes of an IPv4-mapped address become an Inet4Address
    }
}
