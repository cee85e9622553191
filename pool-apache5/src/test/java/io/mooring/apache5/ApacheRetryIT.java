package io.mooring.apache5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mooring.pool.testing.Await;
import io.mooring.pool.testing.SocketTable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.junit.jupiter.api.Test;

/**
 * Apache's own retry of an idempotent request still works on the manager: a raw server drops the
 * first connection without answering (Apache sees {@code NoHttpResponseException}), and answers on
 * the next.
 */
class ApacheRetryIT {

  @Test
  void anIdempotentRequestIsRetriedOnANewConnection() throws Exception {
    assumeTrue(SocketTable.available(), "needs the kernel's socket table (/proc/net/tcp)");
    AtomicInteger connections = new AtomicInteger();
    try (ServerSocket server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress())) {
      Thread t =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try (Socket s = server.accept()) {
                    readHead(s.getInputStream());
                    if (connections.incrementAndGet() > 1) {
                      OutputStream out = s.getOutputStream();
                      out.write(
                          "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                              .getBytes(StandardCharsets.US_ASCII));
                      out.flush();
                    }
                  } catch (IOException e) {
                    return;
                  }
                }
              },
              "raw-server");
      t.setDaemon(true);
      t.start();
      try (CloseableHttpClient client =
          HttpClients.custom()
              .setConnectionManager(MooringConnectionManager.builder().build())
              .build()) {
        String body =
            client.execute(
                new HttpGet("http://127.0.0.1:" + server.getLocalPort() + "/"),
                r -> r.getCode() + " " + EntityUtils.toString(r.getEntity()));
        assertThat(body).isEqualTo("200 ok");
        assertThat(connections.get()).isEqualTo(2);
      }
      Await.until(
          "no client socket left",
          Duration.ofSeconds(10),
          () -> SocketTable.clientSocketsAnyState(server.getLocalPort()) == 0);
    }
  }

  private static void readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      String s = head.toString(StandardCharsets.US_ASCII);
      if (s.endsWith("\r\n\r\n")) {
        return;
      }
    }
  }
}
