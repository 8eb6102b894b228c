package dev.cable.rest;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.json.spi.JsonProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * POST bodies must say {@code Content-Type: application/json}: a missing, malformed or other type
 * is refused with a JSON 415. A servlet filter, because a malformed header is rejected by the JAX-RS
 * runtime (with the server's HTML error page) before any JAX-RS filter runs. A missing type would
 * otherwise be accepted, and is what a cross-site {@code no-cors} fetch sends.
 */
@WebFilter(urlPatterns = "/cable/*", asyncSupported = true) // long polls suspend behind it
public class JsonOnlyFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;
    private static final JsonProvider JSON = JsonProvider.provider();
    /** Media type parameters as RFC 9110 writes them. */
    private static final Pattern PARAMETERS =
            Pattern.compile("(\\s*;\\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+=(\"[^\"]*\"|[!#$%&'*+.^_`|~0-9A-Za-z-]+))*\\s*");

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if ("POST".equals(request.getMethod())) {
            String type = request.getHeader("Content-Type");
            if (!isJson(type)) {
                String message = "POST bodies must be sent as Content-Type: application/json"
                        + (type == null ? " (none was given)" : ", not " + type);
                response.setStatus(415);
                response.setContentType("application/json");
                response.setCharacterEncoding("UTF-8");
                response.getOutputStream().write(JSON.createObjectBuilder().add("error", message).build()
                        .toString().getBytes(StandardCharsets.UTF_8));
                return;
            }
        }
        chain.doFilter(request, response);
    }

    static boolean isJson(String type) {
        if (type == null) {
            return false;
        }
        int semicolon = type.indexOf(';');
        String essence = (semicolon < 0 ? type : type.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
        return essence.equals("application/json") && PARAMETERS.matcher(semicolon < 0 ? "" : type.substring(semicolon)).matches();
    }
}
