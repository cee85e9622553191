package io.mooring.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mooring.http.testing.EachIoMode;
import io.mooring.http.testing.FaultServer;
import io.mooring.http.testing.FaultServer.Answer;
import io.mooring.pool.testing.SocketTable;
import java.net.ProtocolException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Response heads are parsed strictly (RFC 9112 field syntax): a header line without a colon, with
 * whitespace before the colon, or folded onto the previous one fails with {@link
 * MalformedResponseException} (a {@link ProtocolException}, as the JDK client throws) naming the
 * destination and the line, and the connection it came on is aborted: the next request opens a new
 * one, and no client TIME_WAIT is left.
 */
@EachIoMode
class StrictHeadIT {
  @Parameter IoMode io;

  private FaultServer server;
  private MooringHttpClient client;

  @BeforeEach
  void start() throws Exception {
    server =
        new FaultServer(
            (n, head) -> {
              return switch (FaultServer.pathOf(head)) {
                case "/no-colon" -> bad("this line has no colon");
                case "/space-before-colon" -> bad("X-Forwarded : evil");
                case "/obs-fold" -> bad("X-A: b\r\n folded");
                case "/space-first" -> bad(" X-A: b");
                case "/nul" -> bad("X-A: b\u0000c");
                default -> Answer.ok("fine");
              };
            });
    client = MooringHttpClient.newBuilder().io(io).build();
  }

  private static Answer bad(String line) {
    return Answer.send("HTTP/1.1 200 OK\r\n" + line + "\r\nContent-Length: 2\r\n\r\nok");
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    server.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(server.uri(path)).build(), BodyHandlers.ofString());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "/no-colon|header line 2 of the response head has no colon: \"this line has no colon\"",
        "/space-before-colon|has whitespace between the field name and its colon: \"X-Forwarded :",
        "/obs-fold|header line 3 of the response head starts with whitespace: a line folded",
        "/space-first|starts with whitespace, before the first header",
        "/nul|has a control character in its value",
      })
  void malformedHeaderLinesFailAndAbortTheirConnection(String path, String message)
      throws Exception {
    assertThat(get("/warm").body()).isEqualTo("fine");
    assertThat(server.connections()).isEqualTo(1);

    assertThatThrownBy(() -> get(path))
        .isInstanceOf(MalformedResponseException.class)
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("malformed response from http://127.0.0.1:" + server.port())
        .hasMessageContaining("GET " + server.uri(path))
        .hasMessageContaining(message);

    assertThat(get("/after").body()).isEqualTo("fine");
    assertThat(server.connections())
        .as("the bad response's connection was not reused")
        .isEqualTo(2);
    if (SocketTable.available()) {
      assertThat(SocketTable.clientTimeWait(server.port())).as("aborted with RST").isZero();
    }
  }
}
