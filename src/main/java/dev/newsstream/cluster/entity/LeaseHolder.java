package dev.newsstream.cluster.entity;

import java.time.Instant;

/** Who holds a lease (a member id) and since when. */
public record LeaseHolder(String member, Instant since) {

    /** The stored form: {@code member|epochMillis}; only strings travel through the grid. */
    public String encode() {
        return member + "|" + since.toEpochMilli();
    }

    public static LeaseHolder decode(String value) {
        if (value == null) return null;
        int bar = value.lastIndexOf('|');
        if (bar < 0) return new LeaseHolder(value, Instant.EPOCH);
        try {
            return new LeaseHolder(value.substring(0, bar), Instant.ofEpochMilli(Long.parseLong(value.substring(bar + 1))));
        } catch (NumberFormatException e) {
            return new LeaseHolder(value.substring(0, bar), Instant.EPOCH);
        }
    }
}
