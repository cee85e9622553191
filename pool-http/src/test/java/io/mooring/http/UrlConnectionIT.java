package io.mooring.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mooring.http.testing.EachIoMode;
import io.mooring.http.testing.JdkServer;
import io.mooring.pool.testing.SocketTable;
import java.io.FileNotFoundException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/** Classic HttpURLConnection code, unchanged, on the pool through the per-URL handler. */
@EachIoMode
class UrlConnectionIT {
  @Parameter IoMode io;

  private JdkServer server;
  private SimpleMeterRegistry registry;
  private MooringHttpClient client;
  private MooringUrlStreamHandler handler;

  @BeforeEach
  void start() throws Exception {
    server = new JdkServer();
    server.handle(
        "/slow",
        ex -> {
          try {
            Thread.sleep(1_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          JdkServer.respond(ex, 200, "late");
        });
    server.handle(
        "/big",
        ex -> {
          ex.sendResponseHeaders(200, 4 * 1024 * 1024);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(new byte[4 * 1024 * 1024]);
          } catch (java.io.IOException ignored) {
            // the client aborted
          }
        });
    registry = new SimpleMeterRegistry();
    client = MooringHttpClient.newBuilder().io(io).meterRegistry(registry).build();
    handler = new MooringUrlStreamHandler(client);
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  private HttpURLConnection open(String path) throws Exception {
    return (HttpURLConnection) new URL(null, server.uri(path).toString(), handler).openConnection();
  }

  private static String read(InputStream in) throws Exception {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private double opened() {
    return registry.find("mooring.connections.opened").counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  @Test
  void classicGet() throws Exception {
    HttpURLConnection c = open("/hello");
    c.setRequestProperty("Accept", "text/plain");
    assertThat(c.getResponseCode()).isEqualTo(200);
    assertThat(c.getResponseMessage()).isEqualTo("OK");
    assertThat(c.getHeaderField(0)).isEqualTo("HTTP/1.1 200 OK");
    assertThat(c.getHeaderField("Content-Length")).isEqualTo("5");
    assertThat(c.getContentLength()).isEqualTo(5);
    assertThat(c.getHeaderFields()).containsKey("Content-length");
    assertThat(read(c.getInputStream())).isEqualTo("hello");
    c.disconnect();
  }

  @Test
  void classicPostBufferedFixedLengthAndChunked() throws Exception {
    HttpURLConnection c = open("/echo");
    c.setDoOutput(true);
    c.setRequestMethod("POST");
    try (OutputStream out = c.getOutputStream()) {
      out.write("buffered".getBytes(StandardCharsets.UTF_8));
    }
    assertThat(c.getResponseCode()).isEqualTo(200);
    assertThat(read(c.getInputStream())).isEqualTo("buffered");
    assertThat(c.getHeaderField("X-Content-Length")).isEqualTo("8");

    c = open("/echo");
    c.setDoOutput(true);
    c.setFixedLengthStreamingMode(100_000);
    try (OutputStream out = c.getOutputStream()) {
      out.write(new byte[100_000]);
    }
    assertThat(read(c.getInputStream())).hasSize(100_000);
    assertThat(c.getHeaderField("X-Content-Length")).isEqualTo("100000");
    assertThat(c.getHeaderField("X-Method")).isEqualTo("POST");

    c = open("/echo");
    c.setDoOutput(true);
    c.setRequestMethod("PUT");
    c.setChunkedStreamingMode(1024);
    try (OutputStream out = c.getOutputStream()) {
      for (int i = 0; i < 100; i++) {
        out.write("0123456789".getBytes(StandardCharsets.UTF_8));
      }
    }
    assertThat(read(c.getInputStream())).hasSize(1_000);
    assertThat(c.getHeaderField("X-Transfer-Encoding")).isEqualTo("chunked");
    assertThat(c.getHeaderField("X-Method")).isEqualTo("PUT");
    assertThat(opened()).isBetween(1.0, 2.0);
  }

  @Test
  void errorStreamOn404() throws Exception {
    HttpURLConnection c = open("/status/404");
    assertThat(c.getResponseCode()).isEqualTo(404);
    assertThatThrownBy(c::getInputStream).isInstanceOf(FileNotFoundException.class);
    assertThat(read(c.getErrorStream())).isEqualTo("status 404");
    c.disconnect();
    HttpURLConnection ok = open("/hello");
    assertThat(ok.getErrorStream()).isNull();
    assertThat(read(ok.getInputStream())).isEqualTo("hello");
  }

  @Test
  void badHeaderAndReadTimeout() throws Exception {
    HttpURLConnection c = open("/hello");
    assertThatThrownBy(() -> c.setRequestProperty("X-Bad", "a\r\nInjected: 1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CR (\\r)");
    HttpURLConnection slow = open("/slow");
    slow.setReadTimeout(200);
    assertThatThrownBy(slow::getResponseCode)
        .isInstanceOf(SocketTimeoutException.class)
        .hasMessageContaining("Read timed out");
  }

  @Test
  void twoThousandClassicRequestsWithDisconnectLeaveNoClientTimeWait() throws Exception {
    for (int i = 0; i < 2_000; i++) {
      HttpURLConnection c;
      switch (i % 4) {
        case 0 -> {
          c = open("/hello");
          assertThat(read(c.getInputStream())).isEqualTo("hello");
        }
        case 1 -> {
          c = open("/echo");
          c.setDoOutput(true);
          try (OutputStream out = c.getOutputStream()) {
            out.write(("n" + i).getBytes(StandardCharsets.UTF_8));
          }
          assertThat(read(c.getInputStream())).isEqualTo("n" + i);
        }
        case 2 -> {
          c = open("/status/404");
          assertThat(c.getResponseCode()).isEqualTo(404);
          assertThat(read(c.getErrorStream())).isEqualTo("status 404");
        }
        default -> {
          c = open("/hello");
          assertThat(c.getResponseCode()).isEqualTo(200); // body never read
        }
      }
      c.disconnect();
    }
    // and a big body abandoned half-read: aborted with RST, not closed with FIN
    HttpURLConnection big = open("/big");
    assertThat(big.getInputStream().read(new byte[1024])).isPositive();
    big.disconnect();
    Thread.sleep(300);
    System.out.println("2,000 HttpURLConnection requests opened " + opened() + " connections");
    assertThat(opened()).isLessThan(5.0);
    assertThat(SocketTable.clientTimeWait(server.port())).isZero();
    assertThat(SocketTable.clientCloseWait(server.port())).isZero();
  }
}
