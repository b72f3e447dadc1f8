package dev.newsstream.ops.boundary;

import dev.newsstream.ops.control.ExecutorView;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * {@code GET /debug/executor}: the fetches on the feed executor, which streams wait for each, how
 * old it is and, past {@code newsstream.debug.stack-after}, where its thread is right now.
 */
@Path("debug/executor")
@Produces(MediaType.APPLICATION_JSON)
public class ExecutorResource {

    public record ExecutorReport(ExecutorView.Figures figures, List<ExecutorView.FetchView> fetches) {
    }

    @Inject
    ExecutorView view;

    @GET
    public ExecutorReport report() {
        return new ExecutorReport(view.figures(), view.fetches());
    }
}
