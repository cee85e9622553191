package io.mooring.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * Run by {@link ThroughputIT} in its own JVM (default Netty leak detection, not the test's paranoid
 * level). A quick figure, not a timed test: keep-alive GETs at 16 in flight against embedded Jetty
 * on loopback, Mooring's client against the JDK's in the same run. Prints requests per second and
 * the ratio; fails only if a request failed. The benchmarks module owns the real comparison.
 */
public final class ThroughputMain {
  private ThroughputMain() {}

  private static final int IN_FLIGHT = 16;

  /** Entry point; prints one line with both figures and the ratio. */
  public static void main(String[] args) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    ByteBuffer hello = ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8));
    server.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            response.write(true, hello.slice(), callback);
            return true;
          }
        });
    server.start();
    try (MooringHttpClient mooring = MooringHttpClient.newHttpClient()) {
      URI uri = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/");
      HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      run(mooring, uri, 3_000);
      run(jdk, uri, 3_000);
      double m = 0;
      double j = 0;
      for (int round = 0; round < 2; round++) {
        m = Math.max(m, run(mooring, uri, 10_000));
        j = Math.max(j, run(jdk, uri, 10_000));
      }
      System.out.printf(
          "keep-alive GETs at %d in flight on loopback (Jetty 12): Mooring %.0f req/s, JDK HttpClient"
              + " %.0f req/s, ratio %.2f%n",
          IN_FLIGHT, m, j, m / j);
    } finally {
      server.stop();
    }
  }

  private static double run(HttpClient client, URI uri, int n) throws Exception {
    Semaphore inFlight = new Semaphore(IN_FLIGHT);
    AtomicInteger failures = new AtomicInteger();
    HttpRequest req = HttpRequest.newBuilder(uri).build();
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      inFlight.acquire();
      client
          .sendAsync(req, BodyHandlers.ofString())
          .whenComplete(
              (r, e) -> {
                if (e != null || r.statusCode() != 200) {
                  failures.incrementAndGet();
                }
                inFlight.release();
              });
    }
    inFlight.acquire(IN_FLIGHT);
    double perSecond = n / ((System.nanoTime() - start) / 1e9);
    if (failures.get() != 0) {
      throw new IllegalStateException(failures.get() + " of " + n + " requests failed");
    }
    return perSecond;
  }
}
