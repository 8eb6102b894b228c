package dev.cable.cluster;

import dev.cable.CableDeployment;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;

/**
 * A Payara Micro process running the library as packaged at the root context, configured with system
 * properties: one "node" of a multi-node test. Waits for "ready in" with a timeout, since Payara
 * Micro hangs instead of exiting when it cannot bind its port.
 */
final class PayaraNode implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final int port;

    private PayaraNode(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    static PayaraNode start(String name, Map<String, String> config) throws IOException {
        int port = freePort();
        Path log = Path.of("target", "node-" + name + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        config.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", System.getProperty("payara.microJar", "target/payara-micro.jar"),
                "--deploy", application().toString(), "--contextroot", "/",
                "--port", Integer.toString(port), "--nocluster", "--nohostaware"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new PayaraNode(process, log, port);
    }

    /** The library as packaged, in an application WAR of its own (written once per test run). */
    private static synchronized Path application() {
        Path war = Path.of("target", "two-nodes.war");
        if (!exported) {
            CableDeployment.war(Map.of()).as(ZipExporter.class).exportTo(war.toFile(), true);
            exported = true;
        }
        return war;
    }

    private static boolean exported;

    /** Blocks until the node reports it is ready; fails with its log's tail if it does not. */
    PayaraNode awaitReady(long timeoutSeconds) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutSeconds * 1000;
        while (System.currentTimeMillis() < deadline) {
            String text = Files.exists(log) ? Files.readString(log) : "";
            if (text.contains("ready in")) {
                return this;
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(500);
        }
        String text = Files.exists(log) ? Files.readString(log) : "";
        throw new IllegalStateException("node on port " + port + " did not start:\n"
                + text.substring(Math.max(0, text.length() - 3000)));
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
