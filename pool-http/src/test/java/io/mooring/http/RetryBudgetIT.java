package io.mooring.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mooring.http.testing.EachIoMode;
import io.mooring.pool.PoolSettings;
import io.mooring.pool.testing.SocketTable;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/**
 * A server that closes every connection as it accepts it (a load balancer with no backend) costs a
 * bounded number of attempts, not a retry loop that runs until the request timeout.
 */
@EachIoMode
class RetryBudgetIT {
  @Parameter IoMode io;

  @Test
  void aServerClosingEveryConnectionAtAcceptIsTriedABoundedNumberOfTimes() throws Exception {
    AtomicInteger accepted = new AtomicInteger();
    try (ServerSocket server = SocketTable.freshServerSocket(200);
        MooringHttpClient client =
            MooringHttpClient.newBuilder()
                .io(io)
                .poolSettings(PoolSettings.builder().connectRetryBudget(Duration.ZERO).build())
                .build()) {
      Thread acceptor =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try {
                    Socket s = server.accept();
                    accepted.incrementAndGet();
                    s.close();
                  } catch (IOException e) {
                    return;
                  }
                }
              },
              "closing-acceptor");
      acceptor.setDaemon(true);
      acceptor.start();
      URI uri = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/");
      assertThatThrownBy(
              () ->
                  client.send(
                      HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                      BodyHandlers.ofString()))
          .isInstanceOf(IOException.class)
          .isNotInstanceOf(HttpTimeoutException.class);
      // The first attempt and at most three counted retries.
      assertThat(accepted.get()).isBetween(1, 4);
    }
  }
}
