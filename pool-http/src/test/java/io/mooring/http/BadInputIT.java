package io.mooring.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mooring.http.testing.AnyRequest;
import io.mooring.http.testing.EachIoMode;
import io.mooring.http.testing.RawServer;
import io.mooring.pool.PoolStats;
import io.mooring.pool.testing.Await;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/**
 * Bad requests fail before anything is sent, naming what is wrong; malformed responses fail with
 * {@link MalformedResponseException} naming the destination, and their connection is aborted, never
 * returned to the pool.
 */
@EachIoMode
class BadInputIT {
  @Parameter IoMode io;

  private RawServer server;
  private MooringHttpClient client;

  @BeforeEach
  void start() throws Exception {
    server =
        new RawServer(
            (n, head) -> {
              return switch (RawServer.pathOf(head)) {
                case "/bad-status" -> bytes("HTTP/1.1 abc OK\r\nContent-Length: 0\r\n\r\n");
                case "/bad-chunk" ->
                    bytes(
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n");
                case "/cl-and-te" ->
                    bytes(
                        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                            + "5\r\nhello\r\n0\r\n\r\n");
                case "/huge-headers" ->
                    bytes(
                        "HTTP/1.1 200 OK\r\nX-Big: "
                            + "a".repeat(70 * 1024)
                            + "\r\nContent-Length: 0\r\n\r\n");
                case "/big-body" -> RawServer.ok("b".repeat(5000));
                default -> RawServer.ok("fine");
              };
            });
    client = MooringHttpClient.newBuilder().io(io).maxResponseBodySize(4096).build();
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    server.close();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private PoolStats stats() {
    return client.stats(server.uri("/"));
  }

  /** Warms one idle connection so "unchanged" is about a non-empty pool. */
  private PoolStats warm() throws Exception {
    assertThat(
            client
                .send(HttpRequest.newBuilder(server.uri("/ok")).build(), BodyHandlers.ofString())
                .body())
        .isEqualTo("fine");
    return stats();
  }

  @Test
  void badRequestsFailBeforeSendingAndLeaveThePoolAlone() throws Exception {
    PoolStats before = warm();
    assertThat(before.idle()).isEqualTo(1);
    int seen = server.requests().size();

    assertThatThrownBy(
            () ->
                client.send(
                    custom("GET", server.uri("/x"), Map.of("X-Bad", List.of("a\r\nInjected: 1"))),
                    BodyHandlers.ofString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CR (\\r)")
        .hasMessageContaining("X-Bad");
    assertThatThrownBy(
            () ->
                client.send(
                    custom("GET", server.uri("/x"), Map.of("X-Bad", List.of("a\nb"))),
                    BodyHandlers.ofString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("LF (\\n)");
    assertThatThrownBy(
            () ->
                client.send(
                    custom("GET", server.uri("/x"), Map.of("Bad Name", List.of("v"))),
                    BodyHandlers.ofString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("header name \"Bad Name\"");
    for (String restricted : List.of("Connection", "Content-Length", "Expect", "Host", "Upgrade")) {
      assertThatThrownBy(
              () ->
                  client.send(
                      custom("GET", server.uri("/x"), Map.of(restricted, List.of("v"))),
                      BodyHandlers.ofString()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("restricted header name: \"" + restricted + "\"");
    }
    assertThatThrownBy(
            () ->
                client.send(
                    custom("GET", URI.create("ftp://127.0.0.1/x"), Map.of()),
                    BodyHandlers.ofString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unsupported URI scheme \"ftp\"");
    assertThatThrownBy(
            () ->
                client.send(
                    custom("GET", URI.create("http:///nohost"), Map.of()), BodyHandlers.ofString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no host");
    assertThatThrownBy(
            () -> client.send(custom("GE T", server.uri("/x"), Map.of()), BodyHandlers.ofString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid HTTP method");
    // The JDK's own builder rejects these too, before we see them.
    assertThatThrownBy(() -> HttpRequest.newBuilder(URI.create("ftp://x/")))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(stats()).isEqualTo(before);
    assertThat(server.requests()).hasSize(seen);
  }

  @Test
  void malformedResponsesAbortTheirConnection() throws Exception {
    check("/bad-status", "malformed response from http://127.0.0.1:" + server.port());
    check("/bad-chunk", "malformed response from http://127.0.0.1:" + server.port());
    check("/cl-and-te", "both Content-Length (5) and Transfer-Encoding (chunked)");
    check("/huge-headers", "header is larger than 65536 bytes");
    check("/big-body", "exceeds the limit of 4096 bytes");
  }

  private void check(String path, String message) throws Exception {
    PoolStats before = warm();
    assertThatThrownBy(
            () ->
                client.send(
                    HttpRequest.newBuilder(server.uri(path)).build(), BodyHandlers.ofString()))
        .isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("http://127.0.0.1:" + server.port())
        .hasMessageContaining(message);
    // The abort runs on the event loop after the caller saw the failure: wait for it, bounded.
    Await.until(
        path + ": the aborted connection to leave the pool",
        Duration.ofSeconds(5),
        () -> stats().total() == before.total() - 1);
    PoolStats after = stats();
    // The connection that carried the malformed response is gone, not back in the pool.
    assertThat(after.total()).as(path + ": " + after).isEqualTo(before.total() - 1);
    assertThat(after.active()).isZero();
  }

  private static HttpRequest custom(String method, URI uri, Map<String, List<String>> headers) {
    return new AnyRequest(method, uri, headers, null);
  }
}
