package io.mooring.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mooring.http.testing.EachIoMode;
import io.mooring.http.testing.FaultServer;
import io.mooring.http.testing.FaultServer.Answer;
import io.mooring.http.testing.FaultServer.Then;
import io.mooring.pool.testing.Await;
import io.mooring.pool.testing.SocketTable;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Faulty servers, over real sockets: a reset or a close in the middle of a response fails the
 * exchange with {@link HttpExchangeException} naming the request and the phase (the transport's
 * error as the cause), a truncated body is never delivered, nothing is retried once a response
 * began, a server that never answers costs a request timeout and an aborted connection (RST,
 * nothing left ESTABLISHED), invalid responses never leave their connection in use, and after each
 * fault the client keeps working.
 */
@EachIoMode
class TransportFaultsIT {
  @Parameter IoMode io;

  private static final String HEAD_10 = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n";
  private static final String CHUNKED = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";

  private FaultServer server;
  private MooringHttpClient client;

  @BeforeEach
  void start() throws Exception {
    server =
        new FaultServer(
            (n, head) ->
                switch (FaultServer.pathOf(head)) {
                  case "/reset-in-body" -> Answer.send(HEAD_10 + "abc", Then.RST);
                  case "/reset-before-head" -> Answer.send("", Then.RST);
                  case "/fin-in-body" -> Answer.send(HEAD_10 + "ab", Then.FIN);
                  case "/fin-in-chunks" -> Answer.send(CHUNKED + "2\r\nab\r\n", Then.FIN);
                  case "/fin-in-head" -> Answer.send("HTTP/1.1 200 OK\r\nContent-Le", Then.FIN);
                  case "/stall" -> Answer.stall();
                  case "/bad-status" -> Answer.send("HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n");
                  case "/no-colon" ->
                      Answer.send("HTTP/1.1 200 OK\r\nno colon here\r\nContent-Length: 0\r\n\r\n");
                  case "/bad-chunk" -> Answer.send(CHUNKED + "zz\r\nab\r\n0\r\n\r\n");
                  case "/cl-and-te" ->
                      Answer.send(
                          "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n"
                              + "\r\n2\r\nab\r\n0\r\n\r\n");
                  default -> Answer.ok("fine");
                });
    client = MooringHttpClient.newBuilder().io(io).build();
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    server.close();
  }

  private HttpRequest get(String path) {
    return HttpRequest.newBuilder(server.uri(path)).build();
  }

  private void stillWorks() throws Exception {
    assertThat(client.send(get("/ok"), BodyHandlers.ofString()).body()).isEqualTo("fine");
  }

  /** Warms one idle connection, so the fault hits a reused one (where retries could happen). */
  private void warm() throws Exception {
    stillWorks();
    assertThat(server.connections()).isEqualTo(1);
  }

  @Test
  void aResetInTheBodyNamesTheRequestPhaseAndBytesWithTheTransportErrorAsCause() throws Exception {
    warm();
    assertThatThrownBy(() -> client.send(get("/reset-in-body"), BodyHandlers.ofString()))
        .isInstanceOf(HttpExchangeException.class)
        .hasMessageStartingWith(
            "GET " + server.uri("/reset-in-body") + " failed while reading the response body")
        .hasMessageContaining("after 3 bytes")
        .satisfies(
            e -> {
              HttpExchangeException x = (HttpExchangeException) e;
              assertThat(x.phase()).isEqualTo(HttpExchangeException.Phase.READING_BODY);
              assertThat(x.bodyBytes()).isEqualTo(3);
              assertThat(x.getCause()).isInstanceOf(IOException.class);
            });
    assertThat(server.requestsFor("/reset-in-body")).as("never retried").isEqualTo(1);
    stillWorks();
  }

  @Test
  void aResetBeforeTheHeadOnAFreshConnectionNamesTheWaitAndIsNotRetried() throws Exception {
    assertThatThrownBy(() -> client.send(get("/reset-before-head"), BodyHandlers.ofString()))
        .isInstanceOf(HttpExchangeException.class)
        .hasMessageStartingWith(
            "GET "
                + server.uri("/reset-before-head")
                + " failed while waiting for the response head");
    assertThat(server.requestsFor("/reset-before-head")).isEqualTo(1);
    stillWorks();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/fin-in-body", "/fin-in-chunks"})
  void aCloseBeforeTheBodyEndsIsNeverASuccessAndNotRetried(String path) throws Exception {
    warm();
    assertThatThrownBy(() -> client.send(get(path), BodyHandlers.ofString()))
        .isInstanceOf(HttpExchangeException.class)
        .hasMessageContaining(
            "GET " + server.uri(path) + " failed while reading the response body after 2 bytes")
        .hasMessageContaining("connection closed by http://127.0.0.1:" + server.port());
    // A streaming caller sees the failure too, after the bytes that did arrive.
    HttpResponse<java.io.InputStream> streamed =
        client.send(get(path), BodyHandlers.ofInputStream());
    try (java.io.InputStream in = streamed.body()) {
      assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class);
    }
    assertThat(server.requestsFor(path)).as("each sent once").isEqualTo(2);
    stillWorks();
  }

  @Test
  void aCloseInsideTheHeadFailsTheWaitAndIsNotRetried() throws Exception {
    warm();
    assertThatThrownBy(() -> client.send(get("/fin-in-head"), BodyHandlers.ofString()))
        .isInstanceOf(HttpExchangeException.class)
        .hasMessageContaining(
            "GET "
                + server.uri("/fin-in-head")
                + " failed while waiting for the response head: connection closed by");
    assertThat(server.requestsFor("/fin-in-head")).isEqualTo(1);
    stillWorks();
  }

  @Test
  void aServerThatNeverAnswersCostsATimeoutAndAnAbortedConnectionThenServesAgain()
      throws Exception {
    warm();
    HttpRequest stalled =
        HttpRequest.newBuilder(server.uri("/stall")).timeout(Duration.ofMillis(300)).build();
    assertThatThrownBy(() -> client.send(stalled, BodyHandlers.ofString()))
        .isInstanceOf(HttpTimeoutException.class)
        .hasMessageContaining("GET " + server.uri("/stall"));

    // The client reset the stalled connection: the server's side ended, nothing is ESTABLISHED on
    // the client's side, and (RST, not FIN) no client TIME_WAIT.
    Await.until(
        "the stalled connection to end on both sides",
        Duration.ofSeconds(5),
        () ->
            server.openConnections() == 0
                && (!SocketTable.available()
                    || SocketTable.clientSockets(server.port(), SocketTable.ESTABLISHED) == 0),
        () -> "server open=" + server.openConnections() + ", " + SocketTable.read());
    if (SocketTable.available()) {
      assertThat(SocketTable.clientTimeWait(server.port())).isZero();
    }

    server.script((n, head) -> Answer.ok("back"));
    for (int i = 0; i < 5; i++) {
      assertThat(client.send(get("/stall"), BodyHandlers.ofString()).body()).isEqualTo("back");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"/bad-status", "/no-colon", "/bad-chunk", "/cl-and-te"})
  void invalidResponsesFailAndTheirConnectionIsNeverReused(String path) throws Exception {
    warm();
    assertThatThrownBy(() -> client.send(get(path), BodyHandlers.ofString()))
        .isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("http://127.0.0.1:" + server.port());
    stillWorks();
    assertThat(server.connections())
        .as("the request after the invalid response used a new connection")
        .isEqualTo(2);
    Await.until(
        "the invalid response's connection to be gone",
        Duration.ofSeconds(5),
        () -> server.openConnections() == 1,
        () -> "server open=" + server.openConnections());
    if (SocketTable.available()) {
      assertThat(SocketTable.clientTimeWait(server.port())).as("aborted with RST").isZero();
    }
  }
}
