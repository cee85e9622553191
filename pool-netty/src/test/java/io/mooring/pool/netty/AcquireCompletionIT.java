package io.mooring.pool.netty;

import static io.mooring.pool.netty.testing.TestPools.pool;
import static io.mooring.pool.netty.testing.TestPools.settings;
import static org.assertj.core.api.Assertions.assertThat;

import io.mooring.pool.ConnectionPool;
import io.mooring.pool.Destination;
import io.mooring.pool.Lease;
import io.mooring.pool.netty.testing.IoMode;
import io.mooring.pool.netty.testing.TestServer;
import io.mooring.pool.testing.Await;
import io.mooring.pool.testing.SocketTable;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Over real sockets: a caller's dependent action on an acquire future runs neither on an event loop
 * nor inside the pool's hand-off, so one that blocks holds up no other acquirer of the destination.
 */
class AcquireCompletionIT {
  private static final Duration WAIT = Duration.ofSeconds(5);

  private static ConnectionPool<Channel> twoPerDestination(NettyTransport transport) {
    return pool(transport, settings(Duration.ofSeconds(30)).maxConnectionsPerDestination(2));
  }

  @Test
  void aDependentActionThatBlocksDoesNotStallAnotherAcquirerOfTheDestination() throws Exception {
    IoMode.assumeSocketTable();
    CountDownLatch blocking = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (TestServer server = TestServer.start();
        NettyTransport transport = NettyTransport.builder().build();
        ConnectionPool<Channel> pool = twoPerDestination(transport)) {
      Destination d = Destination.of("tcp", "127.0.0.1", server.port());
      Lease<Channel> x = pool.acquire(d, WAIT);
      Lease<Channel> y = pool.acquire(d, WAIT);
      CompletableFuture<Lease<Channel>> first = pool.acquire(d);
      first.thenAccept(
          lease -> {
            blocking.countDown();
            try {
              release.await(30, TimeUnit.SECONDS); // a caller that blocks in its callback
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            lease.close();
          });
      CompletableFuture<Lease<Channel>> second = pool.acquire(d);
      Thread returner = new Thread(x::close, "returner");
      returner.start();
      try {
        assertThat(blocking.await(10, TimeUnit.SECONDS)).isTrue();
        y.close(); // another hand-off, while the first caller's action still blocks
        Await.until("the second acquirer's lease", WAIT, second::isDone, second::toString);
        returner.join(10_000);
        assertThat(returner.isAlive()).as("the returning thread ran the caller's action").isFalse();
        Channel c = second.join().connection();
        assertThat(c).isSameAs(y.connection());
        assertThat(c.isActive()).isTrue();
        // Both acquirers were served by the two connections already open: none was added.
        assertThat(SocketTable.clientSockets(server.port(), SocketTable.ESTABLISHED)).isEqualTo(2);
        second.join().close();
      } finally {
        release.countDown();
      }
    }
  }

  @Test
  void theFutureOfANewConnectionCompletesOffTheEventLoop() throws Exception {
    try (TestServer server = TestServer.start();
        NettyTransport transport = NettyTransport.builder().build();
        ConnectionPool<Channel> pool = twoPerDestination(transport)) {
      Destination d = Destination.of("tcp", "127.0.0.1", server.port());
      CompletableFuture<Boolean> onEventLoop =
          pool.acquire(d)
              .thenApply(
                  lease -> {
                    boolean inLoop = lease.connection().eventLoop().inEventLoop();
                    lease.close();
                    return inLoop;
                  });
      assertThat(onEventLoop.get(5, TimeUnit.SECONDS)).isFalse();
      Await.until("the server's accept", WAIT, () -> server.accepted() == 1);
    }
  }
}
