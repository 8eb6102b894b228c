package dev.cable.rest;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.regex.Pattern;

/**
 * Serves the minified cable.js under a versioned path, {@code /cable-client/<version>/cable.min.js}:
 * a name whose content never changes, so browsers and CDNs may keep it for a year
 * ({@code Cache-Control: public, max-age=31536000, immutable}); gzipped (the build's precompressed
 * twin) when the browser accepts it. The plain {@code /cable.js} stays, served by the container.
 */
@WebServlet(urlPatterns = "/cable-client/*")
public class ClientScriptServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final String ROOT = "META-INF/cable-client/";
    private static final Pattern FILE = Pattern.compile("/[0-9A-Za-z][0-9A-Za-z.+-]{0,40}/cable\\.min\\.js");

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        URL plain = path != null && FILE.matcher(path).matches() ? resource(ROOT + path.substring(1)) : null;
        if (plain == null) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        URL gzipped = acceptsGzip(request.getHeader("Accept-Encoding")) ? resource(ROOT + path.substring(1) + ".gz") : null;
        response.setContentType("text/javascript;charset=UTF-8");
        response.setHeader("Cache-Control", "public, max-age=31536000, immutable");
        response.setHeader("Vary", "Accept-Encoding");
        if (gzipped != null) {
            response.setHeader("Content-Encoding", "gzip");
        }
        try (InputStream in = (gzipped != null ? gzipped : plain).openStream()) {
            in.transferTo(response.getOutputStream());
        }
    }

    private static URL resource(String name) {
        return ClientScriptServlet.class.getClassLoader().getResource(name);
    }

    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String coding : acceptEncoding.split(",")) {
            String[] parts = coding.trim().split(";");
            if (parts[0].trim().equalsIgnoreCase("gzip")) {
                return parts.length < 2 || !parts[1].trim().replace(" ", "").equalsIgnoreCase("q=0");
            }
        }
        return false;
    }
}
