package dev.newsstream.stream.control;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Open streams per remote address, so one host (or one NAT) cannot take every slot under the global
 * cap. An address with no stream has no entry: the map never grows with addresses that came and went.
 */
final class AddressCounts {

    private final Map<String, Integer> counts = new ConcurrentHashMap<>();

    /** Counts one more stream for the address if it holds fewer than {@code max}; atomic per address. */
    boolean tryAcquire(String address, int max) {
        boolean[] admitted = {false};
        counts.compute(key(address), (a, n) -> {
            int now = n == null ? 0 : n;
            if (now >= max) return n;
            admitted[0] = true;
            return now + 1;
        });
        return admitted[0];
    }

    void release(String address) {
        counts.computeIfPresent(key(address), (a, n) -> n <= 1 ? null : n - 1);
    }

    int of(String address) {
        return counts.getOrDefault(key(address), 0);
    }

    int addresses() {
        return counts.size();
    }

    private static String key(String address) {
        return address == null ? "" : address;
    }
}
