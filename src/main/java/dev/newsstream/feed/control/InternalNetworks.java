package dev.newsstream.feed.control;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The address ranges a redirect may not lead into from a public address: loopback, link-local, private,
 * carrier-grade NAT and "this network" by default ({@code newsstream.fetch.internal-networks}). A feed
 * server on the internet must not be able to point our fetcher at the metadata service or the admin
 * port next to us; a source the operator configured on such an address may still use it.
 */
public final class InternalNetworks {

    public static final String DEFAULT = "127.0.0.0/8,::1/128,169.254.0.0/16,fe80::/10,10.0.0.0/8,172.16.0.0/12,"
            + "192.168.0.0/16,100.64.0.0/10,0.0.0.0/8,fc00::/7,::/128";

    private record Range(byte[] network, int prefix) {
        boolean contains(byte[] address) {
            if (address.length != network.length) return false;
            int full = prefix / 8, rest = prefix % 8;
            for (int i = 0; i < full; i++) if (address[i] != network[i]) return false;
            if (rest == 0) return true;
            int mask = 0xFF << (8 - rest) & 0xFF;
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    private final List<Range> ranges;

    private InternalNetworks(List<Range> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    /**
     * Parses a comma-separated list of CIDR ranges of IP literals ({@code 10.0.0.0/8}, {@code fe80::/10});
     * a bare address is a range of one.
     *
     * @throws IllegalArgumentException naming the entry that is not a range
     */
    public static InternalNetworks parse(String list) {
        List<Range> ranges = new ArrayList<>();
        for (String entry : list.split(",")) {
            String e = entry.strip();
            if (e.isEmpty()) continue;
            String[] parts = e.split("/", 2);
            if (!parts[0].matches("[0-9a-fA-F.:]+")) {
                throw new IllegalArgumentException("not an IP range: " + e);
            }
            try {
                byte[] network = InetAddress.getByName(parts[0]).getAddress(); // a literal: no lookup
                int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : network.length * 8;
                if (prefix < 0 || prefix > network.length * 8) throw new IllegalArgumentException("bad prefix in " + e);
                ranges.add(new Range(network, prefix));
            } catch (UnknownHostException | NumberFormatException ex) {
                throw new IllegalArgumentException("not an IP range: " + e, ex);
            }
        }
        return new InternalNetworks(ranges);
    }

    public boolean isInternal(InetAddress address) {
        byte[] bytes = address.getAddress();
        return ranges.stream().anyMatch(r -> r.contains(bytes));
    }

    /** True when any of the addresses is internal: the client may connect to any of them. */
    public boolean anyInternal(InetAddress[] addresses) {
        for (InetAddress a : addresses) if (isInternal(a)) return true;
        return false;
    }
}
