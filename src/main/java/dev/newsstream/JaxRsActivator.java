package dev.newsstream;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** Serves every resource from the root: {@code /}, {@code /news/...}, {@code /debug/...}. */
@ApplicationPath("/")
public class JaxRsActivator extends Application {
}
