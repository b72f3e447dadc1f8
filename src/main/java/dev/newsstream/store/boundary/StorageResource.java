package dev.newsstream.store.boundary;

import dev.newsstream.store.control.ArticleStore;
import dev.newsstream.store.entity.StorageStatus;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /debug/store}: the database (URL without its password), whether it takes writes and if not
 * since when and why, what waits to be written, what was written, retention's last run. From memory:
 * it answers at once even while the database hangs.
 */
@Path("debug/store")
@Produces(MediaType.APPLICATION_JSON)
public class StorageResource {

    @Inject
    ArticleStore store;

    @GET
    public StorageStatus status() {
        return store.storage();
    }
}
