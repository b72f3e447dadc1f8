package dev.newsstream.stream.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** Lines as Linux 6.x writes them in /proc/net/tcp and tcp6. */
class TcpTableTest {

    @Test
    void anIpv4ConnectionWaitingOnAZeroWindowNamesItsPeer() throws Exception {
        String line = "   7: 0100007F:1F90 0100007F:D431 01 00001A2B:00000000 04:000000C8 00000000  1000        0 4242 2"
                + " 0000000000000000 20 4 0 10 -1";
        assertEquals(new TcpTable.Peer(8080, InetAddress.getByName("127.0.0.1"), 0xD431), TcpTable.zeroWindowPeer(line));
    }

    @Test
    void anIpv4MappedConnectionInTcp6IsTheSameIpv4Peer() throws Exception {
        String line = "  12: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000200007F:9C40 01"
                + " 00004000:00000000 04:00000190 00000000     0        0 777 2 0000000000000000 20 4 0 10 -1";
        assertEquals(new TcpTable.Peer(8080, InetAddress.getByName("127.0.0.2"), 0x9C40), TcpTable.zeroWindowPeer(line));
    }

    @Test
    void anIpv6PeerKeepsItsAddress() throws Exception {
        // ::1 is 00000000 00000000 00000000 01000000 in the table's per-word byte order
        String line = "   3: 00000000000000000000000001000000:1F90 00000000000000000000000001000000:C350 01"
                + " 00000010:00000000 04:00000010 00000000     0        0 9 2 0000000000000000 20 4 0 10 -1";
        assertEquals(new TcpTable.Peer(8080, InetAddress.getByName("::1"), 0xC350), TcpTable.zeroWindowPeer(line));
    }

    @Test
    void connectionsWithoutTheZeroWindowTimerAreNotNamed() {
        assertNull(TcpTable.zeroWindowPeer("   0: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000 0 0 1 1"));
        assertNull(TcpTable.zeroWindowPeer("   0: 0100007F:1F90 0100007F:D431 01 00000000:00000000 01:00000020 00000000 0 0 1 1"));
        assertNull(TcpTable.zeroWindowPeer("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when"));
        assertNull(TcpTable.zeroWindowPeer("garbage 04:"));
        assertNull(TcpTable.zeroWindowPeer(""));
    }
}
