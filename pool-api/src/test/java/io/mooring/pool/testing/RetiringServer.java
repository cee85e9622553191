package io.mooring.pool.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JDK HTTP server on {@code 127.0.0.1:port} that answers every path with {@code 200 hello} and
 * retires connections: every {@code closeEvery}-th request gets {@code Connection: close}, after
 * which the server closes first (so the server, not the client, holds the TIME_WAIT). Used by the
 * network-namespace tests' child JVMs. Closing it stops the server.
 */
public final class RetiringServer implements AutoCloseable {
  private static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final AtomicInteger requests = new AtomicInteger();

  /** Starts serving on {@code 127.0.0.1:port}, closing after every {@code closeEvery} requests. */
  public RetiringServer(int port, int closeEvery) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 128);
    server.createContext(
        "/",
        ex -> {
          if (requests.incrementAndGet() % closeEvery == 0) {
            ex.getResponseHeaders().add("Connection", "close");
          }
          ex.sendResponseHeaders(200, HELLO.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(HELLO);
          }
        });
    server.setExecutor(executor);
    server.start();
  }

  /** The requests answered so far. */
  public int requests() {
    return requests.get();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
