package io.mooring.http.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * A listening socket that never accepts and whose accept queue is full: Linux drops every further
 * SYN, so a connect to it hangs until the client's connect timeout, like an unroutable address but
 * on loopback and without depending on the machine's routes.
 */
public final class FullBacklogServer implements AutoCloseable {
  private static final int PROBE_TIMEOUT_MS = 200;

  private final ServerSocket server;
  private final List<Socket> fillers = new ArrayList<>();

  /** Listens on a free loopback port and fills its accept queue. */
  public FullBacklogServer() throws IOException {
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    for (int i = 0; i < 16; i++) {
      Socket s = new Socket();
      try {
        s.connect(server.getLocalSocketAddress(), PROBE_TIMEOUT_MS);
        fillers.add(s);
      } catch (SocketTimeoutException full) {
        s.close();
        return;
      }
    }
    close();
    throw new IllegalStateException(
        "the accept queue of port " + server.getLocalPort() + " never filled up");
  }

  /** {@code http://127.0.0.1:port + path}. */
  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getLocalPort() + path);
  }

  @Override
  public void close() throws IOException {
    for (Socket s : fillers) {
      s.close();
    }
    server.close();
  }
}
