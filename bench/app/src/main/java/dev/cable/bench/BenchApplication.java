package dev.cable.bench;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The harness's endpoints at {@code /bench}, beside Cable's at {@code /cable}. */
@ApplicationPath("bench")
public class BenchApplication extends Application {
}
