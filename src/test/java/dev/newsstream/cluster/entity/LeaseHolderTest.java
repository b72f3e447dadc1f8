package dev.newsstream.cluster.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Leases and claims travel through the grid as strings: what goes in comes out. */
class LeaseHolderTest {

    @Test
    void aHolderSurvivesItsStoredForm() {
        LeaseHolder holder = new LeaseHolder("3738b7ec-767c-492f-9a5c-b7c7d892596f", Instant.ofEpochMilli(1796093645486L));
        assertEquals(holder, LeaseHolder.decode(holder.encode()));
    }

    @Test
    void nothingStoredIsNobodyAndAMalformedValueStillNamesItsMember() {
        assertNull(LeaseHolder.decode(null));
        assertEquals(new LeaseHolder("m", Instant.EPOCH), LeaseHolder.decode("m|not-a-time"));
        assertEquals(new LeaseHolder("m", Instant.EPOCH), LeaseHolder.decode("m"));
    }
}
