package io.mooring.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.mooring.http.testing.EachIoMode;
import io.mooring.http.testing.FaultServer;
import io.mooring.http.testing.FaultServer.Answer;
import io.mooring.pool.PoolSettings;
import io.mooring.pool.testing.SocketTable;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bytes a server sends after the end of a response (a body on HEAD/204/304, more than its
 * Content-Length, a forged second response in the same segment) never reach the next exchange: the
 * connection they arrived on is aborted, and the next request goes out on a new connection and sees
 * its own response. One connection per destination at most, so a reuse would be certain.
 */
@EachIoMode
class LeftoverBytesIT {
  @Parameter IoMode io;

  private static final String NOT_FOUND = "HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope";

  private FaultServer server;
  private MooringHttpClient client;

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private void serve(String first) throws Exception {
    server =
        new FaultServer(
            (n, head) -> head.contains(" /a ") ? Answer.send(first) : Answer.send(NOT_FOUND));
    client =
        MooringHttpClient.newBuilder()
            .io(io)
            .poolSettings(PoolSettings.builder().maxConnectionsPerDestination(1).build())
            .build();
  }

  /** The recipe: a forged response with a Set-Cookie rides after the HEAD response. */
  @Test
  void aForgedResponseAfterAHeadResponseNeverReachesTheNextRequest() throws Exception {
    serve(
        "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nSet-Cookie: x=evil\r\nX-Pad: ");
    HttpResponse<String> head =
        client.send(
            HttpRequest.newBuilder(server.uri("/a"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            BodyHandlers.ofString());
    assertThat(head.statusCode()).isEqualTo(200);

    HttpResponse<String> get =
        client.send(HttpRequest.newBuilder(server.uri("/b")).build(), BodyHandlers.ofString());

    assertThat(get.statusCode()).isEqualTo(404);
    assertThat(get.headers().firstValue("set-cookie")).isEmpty();
    assertThat(get.body()).isEqualTo("nope");
    assertThat(server.connections()).as("the GET went out on a new connection").isEqualTo(2);
    if (SocketTable.available()) {
      assertThat(SocketTable.clientTimeWait(server.port())).as("aborted with RST").isZero();
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "HEAD|HTTP/1.1 200 OK\\r\\nContent-Length: 5\\r\\n\\r\\nhello",
        "GET|HTTP/1.1 204 No Content\\r\\n\\r\\nbody on a 204",
        "GET|HTTP/1.1 304 Not Modified\\r\\n\\r\\nbody on a 304",
        "GET|HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\nokAND MORE",
      })
  void bytesAfterTheEndOfAResponseAbortItsConnection(String method, String raw) throws Exception {
    serve(raw.replace("\\r\\n", "\r\n"));
    client.send(
        HttpRequest.newBuilder(server.uri("/a"))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        BodyHandlers.ofString());

    HttpResponse<String> next =
        client.send(HttpRequest.newBuilder(server.uri("/b")).build(), BodyHandlers.ofString());

    assertThat(next.statusCode()).isEqualTo(404);
    assertThat(next.body()).isEqualTo("nope");
    assertThat(server.connections()).isEqualTo(2);
  }
}
