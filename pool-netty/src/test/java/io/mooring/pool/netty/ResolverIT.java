package io.mooring.pool.netty;

import static io.mooring.pool.netty.testing.TestPools.pool;
import static io.mooring.pool.netty.testing.TestPools.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mooring.pool.ConnectFailedException;
import io.mooring.pool.ConnectionPool;
import io.mooring.pool.Destination;
import io.mooring.pool.Lease;
import io.mooring.pool.netty.testing.IoMode;
import io.mooring.pool.netty.testing.LeakDetectorExtension;
import io.mooring.pool.netty.testing.TestServer;
import io.mooring.pool.testing.Await;
import io.mooring.pool.testing.SocketTable;
import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Host names are resolved off the event loops (issue 11, defect 8). */
@ExtendWith(LeakDetectorExtension.class)
class ResolverIT {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /**
   * One event loop; a lookup of a new destination blocks for seconds while the server of another
   * destination closes an idle connection: the client must still close its half at once (no
   * CLOSE_WAIT in the kernel's table within 200 ms). With the lookup on the event loop, as Netty's
   * default resolver does, the FIN waits for the lookup.
   */
  @ParameterizedTest
  @EnumSource(IoMode.class)
  void aSlowLookupDoesNotDelayNoticingAnotherConnectionsFin(IoMode mode) throws Exception {
    IoMode.assumeSocketTable();
    CountDownLatch lookupStarted = new CountDownLatch(1);
    CountDownLatch releaseLookup = new CountDownLatch(1);
    HostResolver slowForOneName =
        host -> {
          if (!host.equals("slow.test")) {
            return InetAddress.getByName(host);
          }
          lookupStarted.countDown();
          try {
            releaseLookup.await(5, TimeUnit.SECONDS); // a DNS server that takes its time
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return InetAddress.getLoopbackAddress();
        };
    try (TestServer closing = TestServer.start(true, Duration.ofMillis(500), null);
        TestServer other = TestServer.start();
        NettyTransport transport =
            mode.builder(NettySettings.builder(), 1).resolver(slowForOneName).build();
        ConnectionPool<Channel> pool = pool(transport, settings(WAIT))) {
      Destination fast = Destination.of("tcp", "localhost", closing.port());
      Lease<Channel> lease = pool.acquire(fast, WAIT);
      PooledChannels.markIdle(lease.connection());
      lease.close();

      CompletableFuture<Lease<Channel>> slow =
          pool.acquire(Destination.of("tcp", "slow.test", other.port()));
      assertThat(lookupStarted.await(5, TimeUnit.SECONDS)).isTrue();

      Await.until("the server's idle close", WAIT, () -> closing.serverCloses() == 1);
      Duration cleared =
          Await.until(
              "no client CLOSE_WAIT and no idle connection while the lookup blocks",
              Duration.ofMillis(200),
              () ->
                  SocketTable.clientCloseWait(closing.port()) == 0 && pool.stats(fast).idle() == 0,
              () ->
                  SocketTable.clientCloseWait(closing.port())
                      + " client CLOSE_WAIT, "
                      + pool.stats(fast));
      System.out.printf("[%s] FIN handled %s after the server's close%n", mode, cleared);
      assertThat(slow).isNotDone();

      releaseLookup.countDown();
      try (Lease<Channel> late = slow.get(WAIT.toSeconds(), TimeUnit.SECONDS)) {
        assertThat(transport.remoteAddress(late.connection()).getPort()).isEqualTo(other.port());
        PooledChannels.markIdle(late.connection());
      }
    }
  }

  @Test
  void anUnknownHostFailsNamingTheDestination() {
    try (NettyTransport transport =
            NettyTransport.builder()
                .resolver(
                    host -> {
                      throw new UnknownHostException(host + ": Name or service not known");
                    })
                .build();
        ConnectionPool<Channel> pool = pool(transport, settings(WAIT))) {
      Destination d = Destination.of("tcp", "nowhere.test", 80);
      assertThatThrownBy(() -> pool.acquire(d, WAIT))
          .isInstanceOf(ConnectFailedException.class)
          .cause()
          .isInstanceOf(UnknownHostException.class)
          .hasMessageContaining("cannot resolve host nowhere.test of tcp://nowhere.test:80")
          .hasMessageContaining("Name or service not known");
    }
  }

  @Test
  void ipLiteralsAreNeverPassedToTheResolver() throws Exception {
    try (TestServer server = TestServer.start();
        NettyTransport transport =
            NettyTransport.builder()
                .resolver(
                    host -> {
                      throw new AssertionError("resolver called for " + host);
                    })
                .build();
        ConnectionPool<Channel> pool = pool(transport, settings(WAIT));
        Lease<Channel> lease =
            pool.acquire(Destination.of("tcp", "127.0.0.1", server.port()), WAIT)) {
      assertThat(lease.connection().isActive()).isTrue();
      PooledChannels.markIdle(lease.connection());
    }
  }
}
