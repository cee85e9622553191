package io.mooring.spring.boot.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JDK's HTTP server on loopback, behaving like nginx with {@code keepalive_requests}: it closes
 * each connection itself after {@code requestsPerConnection} requests (server-first FIN, sending
 * {@code Connection: close} on the last response), and after the JVM-wide idle interval the test
 * JVM sets ({@code sun.net.httpserver.idleInterval}). {@code /stall} answers (200, no body) only at
 * {@link #releaseStalled()} or {@link #close()}. Counts requests and the User-Agents it saw. Thread
 * safe.
 */
public final class KeepAliveServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final int requestsPerConnection;
  private final AtomicInteger requests = new AtomicInteger();
  private final Map<Integer, Integer> onConnection = new ConcurrentHashMap<>();
  private final Map<String, Integer> userAgents = new ConcurrentHashMap<>();
  private final CountDownLatch stallRelease = new CountDownLatch(1);

  private KeepAliveServer(int requestsPerConnection) throws IOException {
    this.requestsPerConnection = requestsPerConnection;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    server.createContext("/", this::handle);
    server.createContext("/stall", this::stall);
    server.setExecutor(executor);
    server.start();
  }

  /** Starts a server closing each connection after {@code requestsPerConnection} requests. */
  public static KeepAliveServer start(int requestsPerConnection) throws IOException {
    return new KeepAliveServer(requestsPerConnection);
  }

  /** The port it listens on (127.0.0.1). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String url() {
    return "http://127.0.0.1:" + port();
  }

  /** Requests answered on {@code /}. */
  public int requests() {
    return requests.get();
  }

  /** How many requests came with each User-Agent ({@code "none"} without one). */
  public Map<String, Integer> userAgents() {
    return Map.copyOf(userAgents);
  }

  /** Lets every {@code /stall} request, waiting or to come, be answered. */
  public void releaseStalled() {
    stallRelease.countDown();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      requests.incrementAndGet();
      String ua = exchange.getRequestHeaders().getFirst("User-Agent");
      userAgents.merge(ua == null ? "none" : ua, 1, Integer::sum);
      int port = exchange.getRemoteAddress().getPort();
      if (onConnection.merge(port, 1, Integer::sum) >= requestsPerConnection) {
        onConnection.remove(port);
        exchange.getResponseHeaders().set("Connection", "close");
      }
      byte[] body = "ok".getBytes(StandardCharsets.US_ASCII);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private void stall(HttpExchange exchange) throws IOException {
    try (exchange) {
      stallRelease.await(30, TimeUnit.SECONDS);
      exchange.sendResponseHeaders(200, -1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    releaseStalled();
    server.stop(0);
    executor.shutdownNow();
  }
}
