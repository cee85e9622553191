package io.mooring.apache5;

import io.mooring.pool.PoolSettings;
import io.mooring.pool.testing.PortReuseChild;
import io.mooring.pool.testing.RetiringServer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.io.HttpClientConnectionManager;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/**
 * Runs inside {@link NamespacePortReuseIT}'s network namespace: a {@link RetiringServer} that
 * closes the connection after every request, and Apache's classic client on {@link
 * MooringConnectionManager} sending GETs to it ({@link PortReuseChild} does the rest).
 */
public final class NamespacePortReuseChild {
  static final int CLOSE_EVERY = 1;

  private NamespacePortReuseChild() {}

  public static void main(String[] args) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + PortReuseChild.PORT + "/hello");
    PortReuseChild.run(
        CLOSE_EVERY,
        registry -> {
          HttpClientConnectionManager manager =
              MooringConnectionManager.builder()
                  .poolSettings(
                      PoolSettings.builder()
                          .maxConnectionsPerDestination(4)
                          .shutdownGracePeriod(Duration.ofSeconds(2))
                          .build())
                  .meterRegistry(registry)
                  .build();
          CloseableHttpClient client = HttpClients.custom().setConnectionManager(manager).build();
          return new PortReuseChild.Client() {
            @Override
            public void getHello() throws Exception {
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
            }

            @Override
            public void close() throws IOException {
              client.close();
            }
          };
        });
  }
}
