package dev.newsstream.stream.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/**
 * A connection that cannot be observed (no servlet request, another container): it says why, claims nothing
 * about queued bytes or the send buffer, never reports the client gone, and closing or restoring it does
 * nothing, so the channel falls back to writes bounded by the write deadline. The Grizzly side is proven by
 * ClientsIT on a real server.
 */
class ClientConnectionTest {

    @Test
    void withoutARequestNothingIsObservableAndItSaysWhy() {
        ClientConnection none = ClientConnection.of(null, 65536);
        assertFalse(none.observable());
        assertEquals("no servlet request", none.unobservableBecause());
        assertNull(none.peer());
        assertEquals(0, none.queuedBytes());
        assertEquals(0, none.sendBufferBytes());
        assertFalse(none.peerClosed(), "no socket to read: never judged gone");
        none.close();
        none.restore();
        assertFalse(none.observable(), "closing or restoring an unknown connection changes nothing");
    }

    @Test
    void aConnectionKnownByTheTableOnlyKeepsItsPeer() throws Exception {
        TcpTable.Peer peer = new TcpTable.Peer(8080, InetAddress.getLoopbackAddress(), 50123);
        ClientConnection known = ClientConnection.unobservable("another container", peer);
        assertSame(peer, known.peer());
        assertFalse(known.observable());
        assertEquals("another container", known.unobservableBecause());
    }
}
