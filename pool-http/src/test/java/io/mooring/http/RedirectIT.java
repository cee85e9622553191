package io.mooring.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.mooring.http.testing.EachIoMode;
import io.mooring.http.testing.RawServer;
import io.mooring.pool.testing.TestCertificates;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient.Redirect;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/**
 * Redirects never leak a caller's credentials to another origin (Authorization and Cookie are
 * stripped, as recent JDK clients, Go and curl do), never downgrade https to http unless the policy
 * is {@code ALWAYS}, and a Location that names no usable target fails with an {@link IOException}
 * naming it. Asserted on what the servers received.
 */
@EachIoMode
class RedirectIT {
  @Parameter IoMode io;

  @TempDir Path dir;
  private RawServer origin;
  private RawServer other;
  private MooringHttpClient client;

  @BeforeEach
  void start() throws Exception {
    other = new RawServer((n, head) -> RawServer.ok("landed"));
    origin =
        new RawServer(
            (n, head) -> {
              return switch (RawServer.pathOf(head)) {
                case "/cross" -> found("http://127.0.0.1:" + other.port() + "/landing");
                case "/same" -> found("/landing");
                case "/nohost" -> found("http:///landing");
                case "/emptyhost" -> found("http://:" + other.port() + "/landing");
                case "/unparsable" -> found("http://exa mple/landing");
                default -> RawServer.ok("landed here");
              };
            });
    client = MooringHttpClient.newBuilder().io(io).followRedirects(Redirect.NORMAL).build();
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    origin.close();
    other.close();
  }

  private static byte[] found(String location) {
    return ("HTTP/1.1 302 Found\r\nLocation: " + location + "\r\nContent-Length: 0\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  private static HttpRequest withCredentials(URI uri) {
    return HttpRequest.newBuilder(uri)
        .header("Authorization", "Bearer secret")
        .header("Cookie", "session=s3cr3t")
        .header("X-Trace", "kept")
        .build();
  }

  @Test
  void crossOriginRedirectStripsAuthorizationAndCookie() throws Exception {
    HttpResponse<String> r =
        client.send(withCredentials(origin.uri("/cross")), BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("landed");
    assertThat(other.requests()).hasSize(1);
    assertThat(other.requests().get(0).toLowerCase())
        .contains("x-trace: kept")
        .doesNotContain("authorization")
        .doesNotContain("cookie")
        .doesNotContain("s3cr3t");
  }

  @Test
  void sameOriginRedirectKeepsThem() throws Exception {
    HttpResponse<String> r =
        client.send(withCredentials(origin.uri("/same")), BodyHandlers.ofString());
    assertThat(r.body()).isEqualTo("landed here");
    String landing = origin.requests().get(origin.requests().size() - 1).toLowerCase();
    assertThat(landing)
        .startsWith("get /landing ")
        .contains("authorization: bearer secret")
        .contains("cookie: session=s3cr3t");
  }

  @Test
  void aLocationWithNoUsableHostFailsWithAnIoExceptionNamingIt() {
    for (String[] c :
        new String[][] {
          {"/nohost", "http:///landing"},
          {"/emptyhost", "http://:" + other.port() + "/landing"},
          {"/unparsable", "http://exa mple/landing"}
        }) {
      assertThatThrownBy(
              () ->
                  client.send(
                      HttpRequest.newBuilder(origin.uri(c[0])).build(), BodyHandlers.ofString()))
          .as(c[0])
          .isInstanceOf(IOException.class)
          .hasMessageContaining("bad Location \"" + c[1] + "\"")
          .hasMessageContaining(origin.uri(c[0]).toString());
    }
    assertThat(other.requests()).isEmpty();
  }

  @Test
  void httpsToHttpIsFollowedOnlyUnderAlways() throws Exception {
    TestCertificates certs = TestCertificates.generate(dir);
    HttpsServer tls =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
    tls.setHttpsConfigurator(new HttpsConfigurator(certs.serverContext()));
    tls.createContext(
        "/down",
        ex -> {
          ex.getResponseHeaders().add("Location", "http://127.0.0.1:" + other.port() + "/plain");
          ex.sendResponseHeaders(302, -1);
          ex.close();
        });
    tls.start();
    URI down = URI.create("https://localhost:" + tls.getAddress().getPort() + "/down");
    try (MooringHttpClient normal =
            MooringHttpClient.newBuilder()
                .io(io)
                .sslContext(certs.clientContext())
                .followRedirects(Redirect.NORMAL)
                .build();
        MooringHttpClient always =
            MooringHttpClient.newBuilder()
                .io(io)
                .sslContext(certs.clientContext())
                .followRedirects(Redirect.ALWAYS)
                .build()) {
      assertThat(normal.send(withCredentials(down), BodyHandlers.ofString()).statusCode())
          .isEqualTo(302);
      assertThat(other.requests()).isEmpty();
      HttpResponse<String> r = always.send(withCredentials(down), BodyHandlers.ofString());
      assertThat(r.body()).isEqualTo("landed");
      assertThat(other.requests()).hasSize(1);
      assertThat(other.requests().get(0).toLowerCase()).doesNotContain("s3cr3t");
    } finally {
      tls.stop(0);
    }
  }
}
