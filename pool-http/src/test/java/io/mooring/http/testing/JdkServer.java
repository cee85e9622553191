package io.mooring.http.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.mooring.pool.testing.SocketTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The JDK's built-in HTTP server on a free loopback port, with a few handlers. */
public final class JdkServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService pool = Executors.newFixedThreadPool(32);

  /** Starts the server with the standard handlers: /hello, /echo, /status/N. */
  public JdkServer() throws IOException {
    this(freshPort());
  }

  /** A port no socket points at yet (see {@link SocketTable#freshServerSocket}). */
  private static int freshPort() throws IOException {
    try (ServerSocket s = SocketTable.freshServerSocket(1)) {
      return s.getLocalPort();
    }
  }

  /** As {@link #JdkServer()} on {@code port} (0: a free one), e.g. to restart on the same port. */
  public JdkServer(int port) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
    server.setExecutor(pool);
    handle("/hello", ex -> respond(ex, 200, "hello"));
    handle(
        "/echo",
        ex -> {
          byte[] body;
          try (InputStream in = ex.getRequestBody()) {
            body = in.readAllBytes();
          }
          ex.getResponseHeaders().add("X-Method", ex.getRequestMethod());
          String te = ex.getRequestHeaders().getFirst("Transfer-Encoding");
          ex.getResponseHeaders().add("X-Transfer-Encoding", te == null ? "none" : te);
          String cl = ex.getRequestHeaders().getFirst("Content-Length");
          ex.getResponseHeaders().add("X-Content-Length", cl == null ? "none" : cl);
          ex.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
          }
        });
    handle(
        "/status/",
        ex -> {
          String path = ex.getRequestURI().getPath();
          int code = Integer.parseInt(path.substring(path.lastIndexOf('/') + 1));
          respond(ex, code, "status " + code);
        });
    server.start();
  }

  /** Adds a handler. */
  public void handle(String path, HttpHandler handler) {
    server.createContext(path, handler);
  }

  /** Writes {@code body} with {@code code}. */
  public static void respond(HttpExchange ex, int code, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(code, b.length == 0 ? -1 : b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  /** The port. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://127.0.0.1:port + path}. */
  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port() + path);
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
