package io.mooring.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.mooring.http.testing.EachIoMode;
import io.mooring.http.testing.JdkServer;
import io.mooring.pool.testing.TestCertificates;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/** HTTPS against the JDK's HttpsServer with a self-signed certificate for localhost. */
@EachIoMode
class TlsIT {
  @Parameter IoMode io;

  @TempDir Path dir;
  private HttpsServer server;
  private MooringHttpClient client;

  @BeforeEach
  void start() throws Exception {
    TestCertificates certs = TestCertificates.generate(dir);
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.setHttpsConfigurator(new HttpsConfigurator(certs.serverContext()));
    server.createContext("/hello", ex -> JdkServer.respond(ex, 200, "secure hello"));
    server.start();
    client = MooringHttpClient.newBuilder().io(io).sslContext(certs.clientContext()).build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.stop(0);
  }

  private URI uri(String host) {
    return URI.create("https://" + host + ":" + server.getAddress().getPort() + "/hello");
  }

  @Test
  void selfSignedCertificateThroughATestTrustStore() throws Exception {
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r =
          client.send(HttpRequest.newBuilder(uri("localhost")).build(), BodyHandlers.ofString());
      assertThat(r.body()).isEqualTo("secure hello");
      assertThat(r.sslSession())
          .hasValueSatisfying(s -> assertThat(s.getProtocol()).startsWith("TLS"));
    }
    assertThat(client.stats(uri("localhost")).total()).isEqualTo(1);
  }

  @Test
  void hostnameMismatchFailsWithAClearMessage() {
    assertThatThrownBy(
            () ->
                client.send(
                    HttpRequest.newBuilder(uri("127.0.0.1")).build(), BodyHandlers.ofString()))
        .isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("https://127.0.0.1:" + server.getAddress().getPort())
        .hasMessageContaining("127.0.0.1");
  }

  @Test
  void untrustedCertificateFails() {
    try (MooringHttpClient defaultTrust = MooringHttpClient.newBuilder().io(io).build()) {
      assertThatThrownBy(
              () ->
                  defaultTrust.send(
                      HttpRequest.newBuilder(uri("localhost")).build(), BodyHandlers.ofString()))
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining("TLS handshake with https://localhost");
    }
  }

  @Test
  void httpsUrlConnectionDropIn() throws Exception {
    URL url = new URL(null, uri("localhost").toString(), new MooringUrlStreamHandler(client));
    HttpsURLConnection c = (HttpsURLConnection) url.openConnection();
    assertThat(c.getResponseCode()).isEqualTo(200);
    try (InputStream in = c.getInputStream()) {
      assertThat(in.readAllBytes()).asString().isEqualTo("secure hello");
    }
    assertThat(c.getCipherSuite()).startsWith("TLS_");
    assertThat(c.getServerCertificates()).hasSize(1);
    c.disconnect();
  }
}
