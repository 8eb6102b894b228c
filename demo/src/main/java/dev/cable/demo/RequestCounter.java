package dev.cable.demo;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts requests to Cable's endpoints, for the dashboard demo. A servlet filter: Cable's JAX-RS
 * application takes no providers from the application it is part of.
 */
@WebFilter(urlPatterns = "/cable/*", asyncSupported = true)
public class RequestCounter extends HttpFilter {

    private static final LongAdder REQUESTS = new LongAdder();

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        REQUESTS.increment();
        chain.doFilter(request, response);
    }

    static long total() {
        return REQUESTS.sum();
    }
}
