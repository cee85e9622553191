package io.mooring.apache5;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mooring.pool.PoolSettings;
import io.mooring.pool.testing.RetiringServer;
import io.mooring.pool.testing.SocketTable;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.io.HttpClientConnectionManager;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/**
 * Runs inside {@link NamespacePortReuseIT}'s network namespace: a {@link RetiringServer} on port
 * 5000 that closes the connection after every request, and Apache's classic client on {@link
 * MooringConnectionManager} sending 2,000 GETs to it. Prints {@code KEY=value} lines for the test.
 */
public final class NamespacePortReuseChild {
  static final int PORT = 5000;
  static final int REQUESTS = 2_000;
  static final int CLOSE_EVERY = 1;

  private NamespacePortReuseChild() {}

  public static void main(String[] args) throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    HttpClientConnectionManager manager =
        MooringConnectionManager.builder()
            .poolSettings(
                PoolSettings.builder()
                    .maxConnectionsPerDestination(4)
                    .shutdownGracePeriod(Duration.ofSeconds(2))
                    .build())
            .meterRegistry(registry)
            .build();
    URI uri = URI.create("http://127.0.0.1:" + PORT + "/hello");
    int ok = 0;
    int failed = 0;
    String firstFailure = "";
    try (RetiringServer server = new RetiringServer(PORT, CLOSE_EVERY);
        CloseableHttpClient client = HttpClients.custom().setConnectionManager(manager).build()) {
      for (int i = 0; i < REQUESTS; i++) {
        try {
          String body =
              client.execute(
                  new HttpGet(uri),
                  r ->
                      r.getCode()
                          + " "
                          + EntityUtils.toString(r.getEntity(), StandardCharsets.UTF_8));
          if (!"200 hello".equals(body)) {
            throw new IllegalStateException("answered " + body);
          }
          ok++;
        } catch (Exception e) {
          failed++;
          if (firstFailure.isEmpty()) {
            firstFailure = e.toString();
          }
        }
      }
      System.out.println(
          "CONNECTIONS="
              + Math.round(
                  registry.find("mooring.connections.opened").counters().stream()
                      .mapToDouble(c -> c.count())
                      .sum()));
      System.out.println("CLIENT_TIME_WAIT=" + SocketTable.clientTimeWait(PORT));
      System.out.println("SERVED=" + server.requests());
    }
    System.out.println("OK=" + ok);
    System.out.println("FAILED=" + failed);
    System.out.println("FIRST_FAILURE=" + firstFailure);
  }
}
