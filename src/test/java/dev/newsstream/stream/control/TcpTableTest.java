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

    @Test
    void aConnectionTheClientClosedWaitsInCloseWait() throws Exception {
        TcpTable.Line line = TcpTable.parse("   4: 0100007F:1F90 0100007F:D431 08 00000000:00000001 00:00000000 00000000 1000 0 99 1");
        assertEquals(new TcpTable.Peer(8080, InetAddress.getByName("127.0.0.1"), 0xD431), line.peer());
        assertEquals(TcpTable.State.CLOSED_BY_PEER, line.state());
    }

    @Test
    void anEstablishedConnectionIsOpen() {
        assertEquals(TcpTable.State.OPEN,
                TcpTable.parse("   0: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000 0 0 1 1").state());
        assertEquals(TcpTable.State.OPEN, // a retransmit timer (1) is not the zero-window probe
                TcpTable.parse("   0: 0100007F:1F90 0100007F:D431 01 00000000:00000000 01:00000020 00000000 0 0 1 1").state());
        assertNull(TcpTable.parse("   0: 0100007F:1F90 0100007F 01 00000000:00000000 00:00000000"), "an address without a port");
    }

    @Test
    void thisProcessSeesItsOwnConnectionInTheTable() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(TcpTable.available(), "Linux only");
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             java.net.Socket client = new java.net.Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             java.net.Socket accepted = server.accept()) {
            TcpTable.Peer peer = new TcpTable.Peer(server.getLocalPort(), InetAddress.getLoopbackAddress(), client.getLocalPort());
            TcpTable.Snapshot open = TcpTable.read(java.util.Set.of(server.getLocalPort()));
            assertEquals(TcpTable.State.OPEN, open.stateOf(peer));
            client.close();
            dev.newsstream.testing.Wait.until(() -> TcpTable.read(java.util.Set.of(server.getLocalPort())).stateOf(peer)
                    == TcpTable.State.CLOSED_BY_PEER, java.time.Duration.ofSeconds(10), () -> "never in CLOSE_WAIT");
            assertNull(TcpTable.read(java.util.Set.of(server.getLocalPort() + 1)).stateOf(peer), "other ports are left out");
        }
    }
}
