package dev.cable.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder between Cable and a backend that a test can cut and restore, to simulate an
 * outage without touching the machine's shared services.
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;
    private volatile boolean stalled;

    public TcpProxy(String targetHost, int targetPort) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Drops every connection and refuses to forward new ones until {@link #restore()}. */
    public void cut() {
        cut = true;
        open.forEach(TcpProxy::closeQuietly);
        open.clear();
    }

    /**
     * A network partition: connections stay open but no byte passes, either way, and new connections
     * are accepted and then hear nothing, until {@link #restore()}. Unlike {@link #cut()}, nobody is
     * told: only the timeouts of the client libraries notice.
     */
    public void stall() {
        stalled = true;
    }

    public void restore() {
        cut = false;
        synchronized (this) {
            stalled = false;
            notifyAll();
        }
    }

    private void waitWhileStalled() throws IOException {
        synchronized (this) {
            while (stalled) {
                try {
                    wait(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while stalled", e);
                }
            }
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (cut) {
                    closeQuietly(client);
                    continue;
                }
                open.add(client);
                if (stalled) {
                    Thread connector = new Thread(() -> {
                        try {
                            waitWhileStalled(); // the SYN got through, nothing else does
                            connect(client);
                        } catch (IOException e) {
                            closeQuietly(client);
                        }
                    });
                    connector.setDaemon(true);
                    connector.start();
                    continue;
                }
                connect(client);
            } catch (IOException e) {
                // server closed, or the target refused: the client sees a closed connection
            }
        }
    }

    private void connect(Socket client) throws IOException {
        Socket upstream = new Socket(targetHost, targetPort);
        open.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    waitWhileStalled(); // held, as a partitioned network holds packets
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // connection cut
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        });
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        cut();
        server.close();
    }
}
