package dev.newsstream.testing;

import java.net.URI;
import java.net.URL;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The prologue every Arquillian system test shares, written once: the WAR deployed on Payara Micro
 * (each subclass still declares its own static {@code @Deployment(testable = false)}, as Arquillian
 * wants) and talked to from outside, as a client, through {@link #uri(String)}.
 *
 * <p>A class's fixture feed server is a JUnit extension of its own, registered next to the
 * deployment that points at it: {@code @RegisterExtension static final FixtureFeedServer feeds =
 * FixtureFeedServer.start();} (started when the class loads, since {@code @Deployment} reads its
 * URLs; closed by JUnit after the class's last test).
 */
@ExtendWith(ArquillianExtension.class)
public abstract class WarClient {

    /** Where Arquillian deployed the WAR, injected into each test instance. */
    @ArquillianResource
    protected URL base;

    /**
     * {@code path} on the deployment, on loopback whatever address the container reports: the fixture
     * servers are on 127.0.0.x, and a browser blocks a page on another address from loading from them
     * (Private Network Access); the WAR is deployed at the root context.
     */
    protected URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    /** The deployment's HTTP port. */
    protected int port() {
        return base.getPort();
    }
}
