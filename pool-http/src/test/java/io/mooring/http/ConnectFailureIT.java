package io.mooring.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mooring.http.testing.EachIoMode;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/**
 * Connects that fail reach the caller as {@link ConnectException}, the type the JDK's {@code
 * HttpClient} throws for a refused connect and for a host that does not resolve, so {@code catch
 * (ConnectException e)} written for the JDK client works; the message names the destination and the
 * transport's error stays in the cause chain.
 */
@EachIoMode
class ConnectFailureIT {
  @Parameter IoMode io;

  private MooringHttpClient client;
  private int closedPort;

  @BeforeEach
  void start() throws Exception {
    client = MooringHttpClient.newBuilder().io(io).build();
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
  }

  @AfterEach
  void stop() {
    client.close();
  }

  @Test
  void aRefusedConnectIsAConnectExceptionNamingTheDestination() {
    for (String scheme : new String[] {"http", "https"}) {
      URI uri = URI.create(scheme + "://127.0.0.1:" + closedPort + "/x");
      assertThatThrownBy(
              () -> client.send(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofString()))
          .isInstanceOf(ConnectException.class)
          .hasMessageContaining(scheme + "://127.0.0.1:" + closedPort)
          .hasMessageContaining("Connection refused");
    }
  }

  @Test
  void aRefusedConnectFailsTheAsyncFutureWithAConnectException() {
    URI uri = URI.create("http://127.0.0.1:" + closedPort + "/x");
    assertThatThrownBy(
            () ->
                client
                    .sendAsync(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofString())
                    .get())
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(ConnectException.class);
  }

  @Test
  void aHostThatDoesNotResolveIsAConnectExceptionAsInTheJdkClient() {
    URI uri = URI.create("http://no-such-host.invalid/x");
    assertThatThrownBy(
            () -> client.send(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofString()))
        .isInstanceOf(ConnectException.class)
        .hasMessageContaining("no-such-host.invalid")
        .hasRootCauseInstanceOf(UnknownHostException.class);
    assertThat(client.stats(uri).total()).isZero();
  }
}
