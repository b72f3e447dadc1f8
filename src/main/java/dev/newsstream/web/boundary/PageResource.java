package dev.newsstream.web.boundary;

import dev.newsstream.http.Problem;
import jakarta.servlet.ServletContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The page's assets, {@code GET /assets/<file>}: JAX-RS owns the root path, so the WAR's own files
 * are served from here (the page itself comes from {@link RootResource}).
 */
@Path("assets")
public class PageResource {

    private static final Pattern ASSET_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,80}");
    private static final Map<String, String> TYPES = Map.of(
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon");

    @Context
    ServletContext servlet;

    @GET
    @Path("{file}")
    public Response asset(@PathParam("file") String file) {
        int dot = file.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(file.substring(dot + 1));
        if (!ASSET_NAME.matcher(file).matches() || type == null) throw Problem.notFound("Not found");
        return file(servlet, "/assets/" + file, type);
    }

    /** A file of the WAR; no-cache lets browsers revalidate, so a new deployment shows at once. */
    static Response file(ServletContext servlet, String path, String type) {
        InputStream in = servlet.getResourceAsStream(path);
        if (in == null) throw Problem.notFound("Not found");
        return Response.ok(in, type).cacheControl(CacheControl.valueOf("no-cache"))
                .header("X-Content-Type-Options", "nosniff").build();
    }
}
