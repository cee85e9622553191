package io.mooring.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mooring.http.testing.EachIoMode;
import io.mooring.http.testing.RawServer;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.HttpRetryException;
import java.net.HttpURLConnection;
import java.net.PasswordAuthentication;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/**
 * A 401 is answered with credentials only when the request body can be sent again: a one-shot body
 * ({@code ofInputStream}, an HttpURLConnection streaming body) fails with {@link
 * HttpRetryException}, as the JDK's HttpURLConnection does in streaming mode, instead of going out
 * empty or hanging; the server sees the request once.
 */
@EachIoMode
class AuthRetryIT {
  @Parameter IoMode io;

  private static final String BODY = "payload-" + "x".repeat(100);

  private RawServer server;
  private MooringHttpClient client;
  private final AtomicInteger asked = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    server =
        new RawServer(
            (n, head) ->
                head.toLowerCase().contains("authorization: basic")
                    ? RawServer.ok("welcome")
                    : ("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"r\"\r\n"
                            + "Content-Length: 0\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
    client =
        MooringHttpClient.newBuilder()
            .io(io)
            .authenticator(
                new Authenticator() {
                  @Override
                  protected PasswordAuthentication getPasswordAuthentication() {
                    asked.incrementAndGet();
                    return new PasswordAuthentication("u", "p".toCharArray());
                  }
                })
            .build();
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    server.close();
  }

  @Test
  void aReplayableBodyIsSentAgainWithCredentials() throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(server.uri("/in")).POST(BodyPublishers.ofString(BODY)).build();
    assertThat(client.send(r, BodyHandlers.ofString()).body()).isEqualTo("welcome");
    assertThat(server.requests()).hasSize(2);
    assertThat(server.requests().get(1)).containsIgnoringCase("content-length: " + BODY.length());
  }

  @Test
  void aOneShotBodyFailsWithHttpRetryExceptionAndIsNotResent() {
    InputStream once = new ByteArrayInputStream(BODY.getBytes(StandardCharsets.US_ASCII));
    HttpRequest r =
        HttpRequest.newBuilder(server.uri("/in"))
            .POST(BodyPublishers.ofInputStream(() -> once))
            .build();
    assertThatThrownBy(() -> client.send(r, BodyHandlers.ofString()))
        .isInstanceOfSatisfying(
            HttpRetryException.class, e -> assertThat(e.responseCode()).isEqualTo(401))
        .hasMessageContaining("POST " + server.uri("/in"));
    assertThat(server.requests()).hasSize(1);
    assertThat(asked).hasValue(0);
  }

  @Test
  void aStreamingUrlConnectionBodyFailsWithHttpRetryException() throws Exception {
    URL url = new URL(null, server.uri("/in").toString(), new MooringUrlStreamHandler(client));
    HttpURLConnection c = (HttpURLConnection) url.openConnection();
    c.setDoOutput(true);
    c.setRequestMethod("POST");
    c.setFixedLengthStreamingMode((long) BODY.length());
    try (OutputStream out = c.getOutputStream()) {
      out.write(BODY.getBytes(StandardCharsets.US_ASCII));
    }
    assertThatThrownBy(c::getResponseCode)
        .isInstanceOfSatisfying(
            HttpRetryException.class, e -> assertThat(e.responseCode()).isEqualTo(401));
    assertThat(server.requests()).hasSize(1);
  }
}
