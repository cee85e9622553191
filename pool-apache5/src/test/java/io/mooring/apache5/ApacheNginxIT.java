package io.mooring.apache5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mooring.pool.PoolSettings;
import io.mooring.pool.testing.Await;
import io.mooring.pool.testing.Nginx;
import io.mooring.pool.testing.SocketTable;
import io.mooring.pool.testing.TestCertificates;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.io.CloseMode;
import org.junit.jupiter.api.Test;

/**
 * Apache HttpClient 5 classic on {@link MooringConnectionManager} against a real nginx: every
 * TIME_WAIT and CLOSE_WAIT claim is read from the kernel's socket table.
 */
class ApacheNginxIT extends NginxHarness {
  private static PoolSettings.Builder settings(int max) {
    return PoolSettings.builder()
        .maxConnectionsPerDestination(max)
        .maxConnectionsTotal(max)
        .shutdownGracePeriod(Duration.ofSeconds(2));
  }

  private double counter(String name, String tag, String value) {
    return registry.find(name).tags(tag, value).counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  private static String get(CloseableHttpClient client, URI uri) throws Exception {
    return get(client, new HttpGet(uri));
  }

  private static String get(CloseableHttpClient client, HttpGet request) throws Exception {
    return client.execute(
        request,
        r -> r.getCode() + " " + EntityUtils.toString(r.getEntity(), StandardCharsets.UTF_8));
  }

  /** Runs {@code total} GETs of {@code path} from {@code threads} threads; returns the failures. */
  private List<Throwable> load(CloseableHttpClient client, String path, int threads, int total)
      throws Exception {
    return load(
        threads, total, () -> assertThat(get(client, nginx.uri(path))).isEqualTo("200 hello"));
  }

  @Test
  void threeThousandGetsFromEightThreadsReuseAboutEightConnectionsAndLeaveNoTimeWait()
      throws Exception {
    nginx = Nginx.builder().keepaliveTimeout("60s").keepaliveRequests(100_000).start(dir);
    try (CloseableHttpClient client = client(settings(8).build())) {
      assertThat(load(client, "/hello", 8, 3_000)).isEmpty();
      System.out.printf("reuse: 3,000 GETs on %.0f connections%n", opened());
      assertThat(opened()).isBetween(1.0, 8.0);
    }
    awaitNoClientSockets();
    assertThat(SocketTable.clientTimeWait(nginx.port())).isZero();
    assertThat(SocketTable.serverTimeWait(nginx.port())).isZero(); // aborted: RST, no TIME_WAIT
  }

  @Test
  void nginxClosingEveryFifthRequestCostsNoFailureAndNoClientTimeWait() throws Exception {
    nginx = Nginx.builder().keepaliveTimeout("60s").keepaliveRequests(5).start(dir);
    try (CloseableHttpClient client = client(settings(8).build())) {
      assertThat(load(client, "/hello", 8, 1_000)).isEmpty();
      System.out.printf(
          "nginx closes every 5th: 1,000 GETs on %.0f connections, %.0f closed by the server%n",
          opened(), counter("mooring.connections.closed", "closed_by", "peer"));
      assertThat(opened()).isGreaterThanOrEqualTo(200);
      assertThat(SocketTable.clientTimeWait(nginx.port())).isZero();
      Await.until(
          "no client CLOSE_WAIT", WAIT, () -> SocketTable.clientCloseWait(nginx.port()) == 0);
    }
    awaitNoClientSockets();
    assertThat(SocketTable.clientTimeWait(nginx.port())).isZero();
  }

  @Test
  void theLastUseOfAConnectionAsksNginxToCloseFirst() throws Exception {
    nginx = Nginx.builder().keepaliveTimeout("60s").keepaliveRequests(100_000).start(dir);
    try (CloseableHttpClient client = client(settings(1).maxRequestsPerConnection(3).build())) {
      for (int i = 0; i < 9; i++) {
        assertThat(get(client, nginx.uri("/hello"))).isEqualTo("200 hello");
      }
      assertThat(opened()).isEqualTo(3);
      Await.until(
          "nginx to hold the TIME_WAITs (it closed first)",
          WAIT,
          () -> SocketTable.serverTimeWait(nginx.port()) >= 3,
          () -> SocketTable.serverTimeWait(nginx.port()) + " server TIME_WAIT");
      assertThat(SocketTable.clientTimeWait(nginx.port())).isZero();
      assertThat(SocketTable.clientCloseWait(nginx.port())).isZero();
      assertThat(counter("mooring.connections.closed", "closed_by", "peer")).isEqualTo(3);
    }
  }

  /** 25 rounds of 16 GETs, each sent as nginx's 1 s idle timeout expires; returns the failures. */
  private List<Throwable> race(CloseableHttpClient client) throws Exception {
    List<Throwable> failures = new ArrayList<>();
    for (int round = 0; round < 25; round++) {
      failures.addAll(load(client, "/hello", 16, 16));
      Thread.sleep(1_000 - 40 + ThreadLocalRandom.current().nextLong(80));
    }
    return failures;
  }

  @Test
  void theKeepAliveRaceCostsNoRequestAndNoTimeWait() throws Exception {
    nginx = Nginx.builder().keepaliveTimeout("1s").keepaliveRequests(100_000).start(dir);
    try (CloseableHttpClient client = client(settings(16).build())) {
      // A service that has run a while has seen nginx close idle connections: so has this one.
      assertThat(load(client, "/hello", 16, 16)).isEmpty();
      Await.until(
          "nginx to close the idle connections",
          WAIT,
          () -> counter("mooring.connections.closed", "closed_by", "peer") == opened());
      List<Throwable> failures = race(client);
      System.out.printf(
          "keep-alive race (learned): 400 GETs, %d failed, %.0f closed by nginx, %.0f opened%n",
          failures.size(), counter("mooring.connections.closed", "closed_by", "peer"), opened());
      assertThat(failures).isEmpty();
      assertThat(SocketTable.clientTimeWait(nginx.port())).isZero();
    }
    awaitNoClientSockets();
    assertThat(SocketTable.clientTimeWait(nginx.port())).isZero();
  }

  @Test
  void aConnectionNearTheDeclaredKeepAliveTimeoutIsNeverLeasedEvenWithoutRetries()
      throws Exception {
    nginx = Nginx.builder().keepaliveTimeout("1s").keepaliveRequests(100_000).start(dir);
    PoolSettings settings =
        settings(16)
            .serverIdleTimeout(Duration.ofSeconds(1))
            .keepAliveSafetyMargin(Duration.ofMillis(300))
            .build();
    try (CloseableHttpClient client =
        HttpClients.custom()
            .disableAutomaticRetries() // a request on a connection nginx closed would fail
            .setConnectionManager(
                MooringConnectionManager.builder()
                    .poolSettings(settings)
                    .meterRegistry(registry)
                    .build())
            .build()) {
      List<Throwable> failures = race(client);
      System.out.printf(
          "keep-alive race (declared, no retries): 400 GETs, %d failed, %.0f opened%n",
          failures.size(), opened());
      assertThat(failures).isEmpty();
      assertThat(opened()).as("idle connections were replaced, not leased").isGreaterThan(16);
      assertThat(SocketTable.clientTimeWait(nginx.port())).isZero();
    }
    awaitNoClientSockets();
    assertThat(SocketTable.clientTimeWait(nginx.port())).isZero();
  }

  @Test
  void nginxsFinOnAnIdleConnectionLeavesNoCloseWaitPast100ms() throws Exception {
    nginx = Nginx.builder().keepaliveTimeout("1s").keepaliveRequests(100_000).start(dir);
    try (CloseableHttpClient client = client(settings(4).build())) {
      assertThat(load(client, "/hello", 4, 4)).isEmpty();
      // Watch the table across nginx's idle close: no client socket may sit in CLOSE_WAIT longer.
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2_500);
      long firstSeen = 0;
      long longest = 0;
      while (System.nanoTime() < deadline) {
        long now = System.nanoTime();
        if (SocketTable.clientCloseWait(nginx.port()) > 0) {
          firstSeen = firstSeen == 0 ? now : firstSeen;
          longest = Math.max(longest, now - firstSeen);
        } else {
          firstSeen = 0;
        }
        Thread.sleep(2);
      }
      System.out.printf("nginx idle close: longest client CLOSE_WAIT %d ms%n", longest / 1_000_000);
      assertThat(Duration.ofNanos(longest)).isLessThan(Duration.ofMillis(100));
      assertThat(opened()).isPositive();
      assertThat(counter("mooring.connections.closed", "closed_by", "peer")).isEqualTo(opened());
      assertThat(registry.get("mooring.connections").tag("state", "idle").gauge().value()).isZero();
    }
  }

  @Test
  void nginxRestartedWhileThePoolIsIdleCostsNoRequest() throws Exception {
    nginx = Nginx.builder().keepaliveTimeout("60s").keepaliveRequests(100_000).start(dir);
    try (CloseableHttpClient client =
        HttpClients.custom()
            .disableAutomaticRetries() // any stale connection would show as a failure
            .setConnectionManager(
                MooringConnectionManager.builder()
                    .poolSettings(settings(8).build())
                    .meterRegistry(registry)
                    .build())
            .build()) {
      assertThat(load(client, "/hello", 8, 64)).isEmpty();
      nginx.restart();
      Await.until(
          "no client CLOSE_WAIT after the restart",
          WAIT,
          () -> SocketTable.clientCloseWait(nginx.port()) == 0);
      assertThat(load(client, "/hello", 8, 200)).isEmpty();
    }
  }

  @Test
  void apacheStillFollowsRedirectsAndReturnsClientAndServerErrors() throws Exception {
    nginx = Nginx.builder().keepaliveTimeout("60s").keepaliveRequests(100_000).start(dir);
    try (CloseableHttpClient client = client(settings(4).build())) {
      assertThat(get(client, nginx.uri("/redirect"))).isEqualTo("200 hello");
      assertThat(get(client, nginx.uri("/missing"))).isEqualTo("404 no such thing");
      assertThat(get(client, nginx.uri("/error"))).isEqualTo("500 broken");
      assertThat(opened()).as("every response kept the connection").isEqualTo(1);
    }
  }

  @Test
  void aStreamingDownloadIsReadOnTheCallersThreadAndTheConnectionReused() throws Exception {
    int size = 32 * 1024 * 1024;
    nginx =
        Nginx.builder().keepaliveTimeout("60s").keepaliveRequests(100_000).bigFile(size).start(dir);
    try (CloseableHttpClient client = client(settings(4).build())) {
      long read =
          client.execute(
              new HttpGet(nginx.uri("/files/big.bin")),
              r -> {
                long n = 0;
                byte[] buf = new byte[8192];
                try (InputStream in = r.getEntity().getContent()) {
                  for (int k; (k = in.read(buf)) >= 0; ) {
                    for (int i = 0; i < k; i++) {
                      if (buf[i] != (byte) ((n + i) % 251)) {
                        throw new AssertionError("byte " + (n + i) + " is wrong");
                      }
                    }
                    n += k;
                  }
                }
                return n;
              });
      assertThat(read).isEqualTo(size);
      assertThat(get(client, nginx.uri("/hello"))).isEqualTo("200 hello");
      assertThat(opened()).isEqualTo(1);
    }
  }

  @Test
  void aDownloadAbandonedMidwayIsAbortedWithNoClientTimeWait() throws Exception {
    nginx =
        Nginx.builder()
            .keepaliveTimeout("60s")
            .keepaliveRequests(100_000)
            .bigFile(32 * 1024 * 1024)
            .start(dir);
    try (CloseableHttpClient client = client(settings(4).build())) {
      ClassicHttpResponse response =
          client.executeOpen(null, new HttpGet(nginx.uri("/files/big.bin")), null);
      InputStream in = response.getEntity().getContent();
      assertThat(in.readNBytes(1024)).hasSize(1024);
      ((org.apache.hc.core5.io.ModalCloseable) response).close(CloseMode.IMMEDIATE);
      Await.until(
          "the abandoned connection to be aborted",
          WAIT,
          () -> counter("mooring.connections.closed", "closed_by", "abort") == 1);
      assertThat(get(client, nginx.uri("/hello"))).isEqualTo("200 hello");
      assertThat(opened()).isEqualTo(2);
    }
    awaitNoClientSockets();
    assertThat(SocketTable.clientTimeWait(nginx.port())).isZero();
  }

  @Test
  void tlsVerifiesTheHostNameWithApachesStrategy() throws Exception {
    TestCertificates certs = TestCertificates.generate(dir);
    nginx =
        Nginx.builder().keepaliveTimeout("60s").keepaliveRequests(100_000).tls(certs).start(dir);
    try (CloseableHttpClient client =
        HttpClients.custom()
            .setConnectionManager(
                MooringConnectionManager.builder()
                    .tlsSocketStrategy(new DefaultClientTlsStrategy(certs.clientContext()))
                    .meterRegistry(registry)
                    .build())
            .build()) {
      for (int i = 0; i < 5; i++) {
        assertThat(get(client, nginx.uri("/hello"))).isEqualTo("200 hello");
      }
      assertThat(opened()).isEqualTo(1);
      // The certificate names localhost only: through 127.0.0.1 the hostname check must fail.
      assertThatThrownBy(() -> get(client, nginx.uri("127.0.0.1", "/hello")))
          .isInstanceOf(SSLException.class)
          .hasMessageContaining("127.0.0.1");
    }
    awaitNoClientSockets();
    assertThat(SocketTable.clientTimeWait(nginx.port())).isZero();
  }

  @Test
  void aLeaseTimeoutIsApachesConnectionRequestTimeoutException() throws Exception {
    nginx =
        Nginx.builder()
            .keepaliveTimeout("60s")
            .keepaliveRequests(100_000)
            .bigFile(1024 * 1024)
            .start(dir);
    try (CloseableHttpClient client = client(settings(1).build())) {
      ClassicHttpResponse held =
          client.executeOpen(null, new HttpGet(nginx.uri("/files/big.bin")), null);
      HttpGet second = new HttpGet(nginx.uri("/hello"));
      second.setConfig(
          RequestConfig.custom()
              .setConnectionRequestTimeout(org.apache.hc.core5.util.Timeout.ofMilliseconds(200))
              .build());
      assertThatThrownBy(() -> get(client, second))
          .isInstanceOf(org.apache.hc.core5.http.ConnectionRequestTimeoutException.class)
          .hasMessageContaining("127.0.0.1:" + nginx.port());
      EntityUtils.consume(held.getEntity());
      assertThat(get(client, nginx.uri("/hello"))).isEqualTo("200 hello");
    }
  }
}
