package dev.newsstream;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;

/** Serves every resource from the root: {@code /}, {@code /news/...}, {@code /debug/...}. */
@ApplicationPath("/")
@OpenAPIDefinition(info = @Info(title = "newsstream", version = "1.0",
        description = "News from RSS/Atom sources, streamed over Server-Sent Events. Errors are {\"detail\": \"...\"}."))
public class JaxRsActivator extends Application {
}
