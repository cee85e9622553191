package io.mooring.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.mooring.http.testing.Eventually;
import io.mooring.http.testing.FullBacklogServer;
import io.mooring.http.testing.JdkServer;
import io.mooring.http.testing.JdkUrls;
import io.mooring.http.testing.RawServer;
import io.mooring.pool.testing.SocketTable;
import io.mooring.pool.testing.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.HttpsURLConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The drop-in against the JDK's own {@code HttpURLConnection}: every test runs the same code on
 * both, so it shows that Mooring's connection behaves as the JDK's does, and asserts on the wire
 * (what a raw server received) or on the kernel's socket table.
 */
class UrlConnectionParityIT {
  /** Whose {@code HttpURLConnection}: the JDK's, or Mooring's in each {@link IoMode}. */
  enum Impl {
    JDK,
    MOORING,
    MOORING_CALLER_THREAD;

    /** The mode of the Mooring client behind the connection (unused for {@link #JDK}). */
    IoMode io() {
      return this == MOORING_CALLER_THREAD ? IoMode.CALLER_THREAD : IoMode.EVENT_LOOP;
    }
  }

  private static final byte[] STALLED_BODY =
      "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789"
          .getBytes(StandardCharsets.ISO_8859_1);

  private MooringHttpClient client;

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
  }

  private HttpURLConnection open(Impl impl, URI uri) throws IOException {
    if (impl != Impl.JDK && client == null) {
      client = MooringHttpClient.newBuilder().io(impl.io()).build();
    }
    URL url =
        impl == Impl.JDK
            ? JdkUrls.of(uri)
            : new URL(null, uri.toString(), new MooringUrlStreamHandler(client));
    HttpURLConnection c = (HttpURLConnection) url.openConnection();
    assertThat(c.getClass().getName())
        .as("the connection under test")
        .startsWith(impl == Impl.JDK ? "sun.net.www.protocol.http." : "io.mooring.");
    return c;
  }

  private static String read(InputStream in) throws IOException {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  private static void awaitNoClientSocket(int serverPort, int state) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (SocketTable.clientSockets(serverPort, state) > 0) {
      assertThat(System.nanoTime() - deadline)
          .as("client sockets in state %d to port %d after 5 s", state, serverPort)
          .isNegative();
      Thread.sleep(5);
    }
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void connectTimeoutEndsAHangingConnect(Impl impl) throws Exception {
    try (FullBacklogServer server = new FullBacklogServer()) {
      HttpURLConnection c = open(impl, server.uri("/"));
      c.setConnectTimeout(300);
      long start = System.nanoTime();
      assertThatThrownBy(c::getResponseCode)
          .isInstanceOf(SocketTimeoutException.class)
          .hasMessageContaining("onnect timed out");
      // Mooring's client-wide connect timeout is 10 s: only the connection's own ends it this soon
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
    }
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void refusedConnectIsAConnectException(Impl impl) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    HttpURLConnection c = open(impl, URI.create("http://127.0.0.1:" + port + "/"));
    assertThatThrownBy(c::getResponseCode).isInstanceOf(ConnectException.class);
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void unknownHostIsAnUnknownHostException(Impl impl) throws Exception {
    HttpURLConnection c = open(impl, URI.create("http://no-such-host.invalid/"));
    assertThatThrownBy(c::getResponseCode)
        .isInstanceOf(UnknownHostException.class)
        .hasMessageContaining("no-such-host.invalid");
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void readTimeoutCoversEveryReadOfTheBody(Impl impl) throws Exception {
    try (RawServer server =
        new RawServer((n, head) -> head.startsWith("GET /stall") ? STALLED_BODY : ok())) {
      HttpURLConnection c = open(impl, server.uri("/stall"));
      c.setReadTimeout(300);
      InputStream in = c.getInputStream();
      assertThat(new String(in.readNBytes(10), StandardCharsets.ISO_8859_1))
          .isEqualTo("0123456789");
      long start = System.nanoTime();
      assertTimeoutPreemptively(
          Duration.ofSeconds(5),
          () ->
              assertThatThrownBy(in::read)
                  .isInstanceOf(SocketTimeoutException.class)
                  .hasMessageContaining("Read timed out"));
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(Duration.ofMillis(250));
      if (impl != Impl.JDK) {
        // aborted at once, with RST: nothing ESTABLISHED, no client TIME_WAIT, never reused
        awaitNoClientSocket(server.port(), SocketTable.ESTABLISHED);
        assertThat(SocketTable.clientTimeWait(server.port())).isZero();
        assertThat(read(open(impl, server.uri("/next")).getInputStream())).isEqualTo("fine");
        assertThat(server.connections()).isEqualTo(2);
      }
      c.disconnect();
    }
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void readTimeoutDoesNotCoverWritingAStreamedBody(Impl impl) throws Exception {
    try (RawServer server = new RawServer((n, head) -> ok())) {
      HttpURLConnection c = open(impl, server.uri("/upload"));
      c.setDoOutput(true);
      c.setReadTimeout(400); // room for the answer on a loaded machine, and still under the pause
      c.setFixedLengthStreamingMode(4L);
      try (OutputStream out = c.getOutputStream()) {
        out.write("ab".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        // The caller produces its body slower than the read timeout: that is no read, so no
        // timeout. The pause is the scenario itself, not a wait for an event.
        Thread.sleep(1_000);
        out.write("cd".getBytes(StandardCharsets.ISO_8859_1));
      }
      assertThat(c.getResponseCode()).isEqualTo(200);
      assertThat(read(c.getInputStream())).isEqualTo("fine");
    }
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void ifModifiedSinceGoesOnTheWireAsAnRfc1123Date(Impl impl) throws Exception {
    try (RawServer server = new RawServer((n, head) -> ok())) {
      HttpURLConnection c = open(impl, server.uri("/cached"));
      c.setIfModifiedSince(784_111_777_000L);
      assertThat(c.getIfModifiedSince()).isEqualTo(784_111_777_000L);
      assertThat(c.getResponseCode()).isEqualTo(200);
      assertThat(server.requests())
          .singleElement()
          .asString()
          .containsPattern("\r\n(?i:if-modified-since): Sun, 06 Nov 1994 08:49:37 GMT\r\n");
    }
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void fixedLengthIntStreamsTheBody(Impl impl) throws Exception {
    try (RawServer server = new RawServer((n, head) -> ok())) {
      HttpURLConnection c = open(impl, server.uri("/upload"));
      c.setDoOutput(true);
      c.setFixedLengthStreamingMode(5);
      try (OutputStream out = c.getOutputStream()) {
        out.write("ab".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        // streamed: the head is on the wire before the body is complete
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (server.requests().isEmpty()) {
          assertThat(System.nanoTime() - deadline)
              .as("request head seen by the server")
              .isNegative();
          Thread.sleep(5);
        }
        assertThat(server.requests().get(0))
            .startsWith("POST /upload ")
            .containsIgnoringCase("\r\ncontent-length: 5\r\n");
        out.write("cde".getBytes(StandardCharsets.ISO_8859_1));
      }
      assertThat(read(c.getInputStream())).isEqualTo("fine");
    }
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void fixedLengthIntRejectsTooManyAndTooFewBytes(Impl impl) throws Exception {
    try (RawServer server = new RawServer((n, head) -> ok())) {
      HttpURLConnection c = open(impl, server.uri("/upload"));
      c.setDoOutput(true);
      c.setFixedLengthStreamingMode(5);
      OutputStream out = c.getOutputStream();
      assertThatThrownBy(() -> out.write(new byte[10]))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("too many bytes written");
      assertThatThrownBy(out::close).isInstanceOf(IOException.class);
      assertThatThrownBy(c::getResponseCode).isInstanceOf(IOException.class);

      HttpURLConnection short5 = open(impl, server.uri("/short"));
      short5.setDoOutput(true);
      short5.setFixedLengthStreamingMode(5);
      OutputStream out2 = short5.getOutputStream();
      out2.write(new byte[2]);
      assertThatThrownBy(out2::close)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("insufficient data written");

      // the broken requests poisoned nothing: the next one is read and answered as itself
      assertThat(read(open(impl, server.uri("/after")).getInputStream())).isEqualTo("fine");
      assertThat(server.requests())
          .anySatisfy(h -> assertThat(h).startsWith("GET /after "))
          .allSatisfy(h -> assertThat(h).matches("(?s)(GET /after|POST /upload|POST /short) .*"));
      if (impl != Impl.JDK) {
        // A streamed request runs beside the writing thread (on the executor in caller-thread
        // mode), so the aborted one's connection may still be on its way: wait for it, bounded.
        Eventually.holds(
            "three connections", Duration.ofSeconds(5), () -> server.connections() == 3);
        assertThat(server.connections()).isEqualTo(3);
        awaitNoClientSocket(server.port(), SocketTable.TIME_WAIT);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void getUrlAfterAFollowedRedirectIsTheFinalUrl(Impl impl) throws Exception {
    try (RawServer server =
        new RawServer(
            (n, head) ->
                head.startsWith("GET /from ")
                    ? "HTTP/1.1 302 Found\r\nLocation: /to\r\nContent-Length: 0\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1)
                    : ok())) {
      HttpURLConnection c = open(impl, server.uri("/from"));
      assertThat(c.getURL().getPath()).isEqualTo("/from");
      assertThat(c.getResponseCode()).isEqualTo(200);
      assertThat(c.getURL()).isEqualTo(new URL(server.uri("/to").toString()));
      assertThat(read(c.getInputStream())).isEqualTo("fine");

      HttpURLConnection notFollowed = open(impl, server.uri("/from"));
      notFollowed.setInstanceFollowRedirects(false);
      assertThat(notFollowed.getResponseCode()).isEqualTo(302);
      assertThat(notFollowed.getURL().getPath()).isEqualTo("/from");
    }
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void httpsConnectionAppliesEverySetting(Impl impl, @TempDir Path dir) throws Exception {
    TestCertificates certs = TestCertificates.generate(dir);
    HttpsServer server =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.setHttpsConfigurator(new HttpsConfigurator(certs.serverContext()));
    server.createContext(
        "/from",
        ex -> {
          ex.getResponseHeaders().add("Location", "/to");
          ex.sendResponseHeaders(302, -1);
          ex.close();
        });
    server.createContext(
        "/to",
        ex -> {
          String since = ex.getRequestHeaders().getFirst("If-Modified-Since");
          JdkServer.respond(ex, 200, since == null ? "none" : since);
        });
    server.start();
    try (MooringHttpClient tls =
        MooringHttpClient.newBuilder().io(impl.io()).sslContext(certs.clientContext()).build()) {
      URI uri = URI.create("https://localhost:" + server.getAddress().getPort() + "/from");
      HttpsURLConnection c =
          (HttpsURLConnection)
              (impl == Impl.JDK
                      ? JdkUrls.of(uri)
                      : new URL(null, uri.toString(), new MooringUrlStreamHandler(tls)))
                  .openConnection();
      if (impl == Impl.JDK) {
        c.setSSLSocketFactory(certs.clientContext().getSocketFactory());
      }
      c.setIfModifiedSince(784_111_777_000L);
      c.setUseCaches(false);
      assertThat(c.getIfModifiedSince()).isEqualTo(784_111_777_000L);
      assertThat(c.getUseCaches()).isFalse();
      assertThat(c.getResponseCode()).isEqualTo(200);
      assertThat(read(c.getInputStream())).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
      assertThat(c.getURL().getPath()).isEqualTo("/to");
      assertThat(c.getHeaderField(0)).isEqualTo("HTTP/1.1 200 OK");
      assertThat(c.getHeaderFieldKey(0)).isNull();
      assertThat(c.getContentLengthLong()).isEqualTo(29);
    } finally {
      server.stop(0);
    }
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void statusLineWithoutAReasonPhrase(Impl impl) throws Exception {
    byte[] bare =
        "HTTP/1.1 200\r\nContent-Length: 4\r\n\r\nfine".getBytes(StandardCharsets.ISO_8859_1);
    try (RawServer server = new RawServer((n, head) -> bare)) {
      HttpURLConnection c = open(impl, server.uri("/bare"));
      assertThat(c.getResponseCode()).isEqualTo(200);
      assertThat(c.getHeaderField(0)).isEqualTo("HTTP/1.1 200");
      assertThat(c.getHeaderFieldKey(0)).isNull();
      assertThat(c.getResponseMessage()).isNull();
      assertThat(read(c.getInputStream())).isEqualTo("fine");
    }
  }

  private static byte[] ok() {
    return RawServer.ok("fine");
  }
}
