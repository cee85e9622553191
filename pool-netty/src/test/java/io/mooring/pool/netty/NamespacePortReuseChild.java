package io.mooring.pool.netty;

import io.mooring.pool.ClosePolicy;
import io.mooring.pool.ConnectionPool;
import io.mooring.pool.Destination;
import io.mooring.pool.Lease;
import io.mooring.pool.PoolSettings;
import io.mooring.pool.netty.testing.TestProtocol;
import io.mooring.pool.testing.SocketTable;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs inside {@link NamespacePortReuseIT}'s network namespace: a server on port 5000 that answers
 * {@code 'P'} and closes on {@code 'C'}, and a Mooring pool that sends 1,000 requests through it
 * with every connection retired after 10 requests, peer first. Prints {@code KEY=value} lines for
 * the test.
 */
public final class NamespacePortReuseChild {
  static final int PORT = 5000;
  static final int REQUESTS = 1_000;

  private NamespacePortReuseChild() {}

  public static void main(String[] args) throws Exception {
    AtomicInteger accepted = new AtomicInteger();
    try (ServerSocket server = new ServerSocket()) {
      server.bind(new InetSocketAddress("127.0.0.1", PORT), 64);
      Thread acceptor = new Thread(() -> serve(server, accepted), "server");
      acceptor.setDaemon(true);
      acceptor.start();

      int ok = 0;
      int failed = 0;
      String firstFailure = "";
      try (NettyTransport transport =
              NettyTransport.builder()
                  .peerCloseRequester(TestProtocol.PLEASE_CLOSE)
                  .channelInitializer(TestProtocol::install)
                  .build();
          ConnectionPool<Channel> pool =
              ConnectionPool.builder(transport)
                  .settings(
                      PoolSettings.builder()
                          .closePolicy(ClosePolicy.PEER_FIRST)
                          .maxConnectionsPerDestination(4)
                          .maxRequestsPerConnection(10)
                          .acquireTimeout(Duration.ofSeconds(10))
                          .build())
                  .build()) {
        Destination d = Destination.of("tcp", "127.0.0.1", PORT);
        for (int i = 0; i < REQUESTS; i++) {
          try (Lease<Channel> lease = pool.acquire(d, Duration.ofSeconds(10))) {
            TestProtocol.ping(lease.connection()).get(5, TimeUnit.SECONDS);
            if (lease.isLastUse()) {
              TestProtocol.send(lease.connection(), 'C'); // ask the server to close first
              lease.peerWillClose();
            }
            ok++;
          } catch (Exception e) {
            failed++;
            if (firstFailure.isEmpty()) {
              firstFailure = e.toString();
            }
          }
        }
      }
      System.out.println("OK=" + ok);
      System.out.println("FAILED=" + failed);
      System.out.println("FIRST_FAILURE=" + firstFailure);
      System.out.println("ACCEPTED=" + accepted.get());
      System.out.println(
          "CLIENT_TIME_WAIT=" + SocketTable.count(e -> e.remotePort() == PORT && e.state() == 6));
    }
  }

  private static void serve(ServerSocket server, AtomicInteger accepted) {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        accepted.incrementAndGet();
        Thread t = new Thread(() -> answer(s), "conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  /** Answers pings until asked to close, then closes first, as the peer should. */
  private static void answer(Socket s) {
    try (s;
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream()) {
      int b;
      while ((b = in.read()) >= 0) {
        if (b == 'C') {
          return;
        }
        out.write(b);
        out.flush();
      }
    } catch (IOException e) {
      // the client reset it: fine for a test server
    }
  }
}
