package io.mooring.pool.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mooring.pool.ConnectFailedException;
import io.mooring.pool.ConnectionPool;
import io.mooring.pool.Destination;
import io.mooring.pool.Lease;
import io.mooring.pool.PoolSettings;
import io.mooring.pool.netty.testing.Await;
import io.mooring.pool.netty.testing.IoMode;
import io.mooring.pool.netty.testing.LeakDetectorExtension;
import io.mooring.pool.netty.testing.TestProtocol;
import io.mooring.pool.netty.testing.TestServer;
import io.mooring.pool.testing.SocketTable;
import io.mooring.pool.testing.TestCertificates;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** 6. TLS against a self-signed certificate trusted through a test trust store. */
@ExtendWith(LeakDetectorExtension.class)
class TlsIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static TestCertificates certs;
  private static SslContext serverSsl;

  @BeforeAll
  static void makeCertificate(@TempDir Path dir) throws Exception {
    certs = TestCertificates.generate(dir);
    serverSsl =
        SslContextBuilder.forServer(certs.keyManager()).sslProvider(SslProvider.JDK).build();
  }

  private static ConnectionPool<Channel> pool(NettyTransport transport) {
    return ConnectionPool.builder(transport)
        .settings(
            PoolSettings.builder()
                .acquireTimeout(WAIT)
                .shutdownGracePeriod(Duration.ofSeconds(1))
                .build())
        .build();
  }

  @ParameterizedTest
  @EnumSource(IoMode.class)
  void exchangesOverTlsWithHostnameVerificationAndSni(IoMode mode) throws Exception {
    try (TestServer server = TestServer.start(true, null, serverSsl);
        NettyTransport transport =
            mode.builder(NettySettings.builder())
                .trustManager(certs.trust())
                .channelInitializer(TestProtocol::install)
                .build();
        ConnectionPool<Channel> pool = pool(transport)) {
      Destination d = Destination.of("tls", "localhost", server.port());
      try (Lease<Channel> lease = pool.acquire(d, WAIT)) {
        Channel ch = lease.connection();
        SslHandler ssl = ch.pipeline().get(SslHandler.class);
        assertThat(ssl).isNotNull();
        assertThat(ssl.engine().getSSLParameters().getEndpointIdentificationAlgorithm())
            .isEqualTo("HTTPS");
        assertThat(ssl.engine().getSession().getProtocol()).startsWith("TLS");
        assertThat(TestProtocol.ping(ch).get(5, TimeUnit.SECONDS)).isEqualTo((byte) 'p');
        PooledChannels.markIdle(ch);
      }
      assertThat(server.sniNames()).containsExactly("localhost");
    }
  }

  @ParameterizedTest
  @EnumSource(IoMode.class)
  void aHostnameMismatchIsRejectedNamingTheDestination(IoMode mode) throws Exception {
    try (TestServer server = TestServer.start(true, null, serverSsl);
        NettyTransport transport =
            mode.builder(NettySettings.builder()).trustManager(certs.trust()).build();
        ConnectionPool<Channel> pool = pool(transport)) {
      // The certificate names localhost only; 127.0.0.1 is the same server under another name.
      Destination d = Destination.of("tls", "127.0.0.1", server.port());
      assertThatThrownBy(() -> pool.acquire(d, WAIT))
          .isInstanceOf(ConnectFailedException.class)
          .hasCauseInstanceOf(SSLHandshakeException.class)
          .cause()
          .hasMessageContaining("TLS handshake with tls://127.0.0.1:" + server.port() + " failed")
          .hasMessageContaining("127.0.0.1")
          .satisfies(
              e -> System.out.println("[" + mode + "] mismatch rejected: " + e.getMessage()));
      assertThat(pool.stats(d).total()).isZero();
    }
  }

  @Test
  void anUntrustedCertificateIsRejectedNamingTheDestination() throws Exception {
    try (TestServer server = TestServer.start(true, null, serverSsl);
        NettyTransport transport = NettyTransport.builder().build(); // the JDK's default trust
        ConnectionPool<Channel> pool = pool(transport)) {
      Destination d = Destination.of("tls", "localhost", server.port());
      assertThatThrownBy(() -> pool.acquire(d, WAIT))
          .isInstanceOf(ConnectFailedException.class)
          .cause()
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining("TLS handshake with tls://localhost:" + server.port() + " failed");
    }
  }

  @Test
  void aStalledHandshakeTimesOutNamingTheDestination() throws Exception {
    try (java.net.ServerSocket silent =
            new java.net.ServerSocket(0, 8, java.net.InetAddress.getByName("127.0.0.1"));
        NettyTransport transport =
            NettyTransport.builder()
                .settings(
                    NettySettings.builder().tlsHandshakeTimeout(Duration.ofMillis(200)).build())
                .build();
        ConnectionPool<Channel> pool = pool(transport)) {
      // Accepted by the kernel's backlog, never answered: the ClientHello goes unanswered.
      Destination d = Destination.of("tls", "localhost", silent.getLocalPort());
      assertThatThrownBy(() -> pool.acquire(d, WAIT))
          .isInstanceOf(ConnectFailedException.class)
          .cause()
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining("TLS handshake with " + d + " failed")
          .hasMessageContaining("timed out");
    }
  }

  @Test
  void hostnameVerificationCanBeTurnedOff() throws Exception {
    try (TestServer server = TestServer.start(true, null, serverSsl);
        NettyTransport transport =
            NettyTransport.builder()
                .settings(NettySettings.builder().hostnameVerification(false).build())
                .trustManager(certs.trust())
                .build();
        ConnectionPool<Channel> pool = pool(transport);
        Lease<Channel> lease =
            pool.acquire(Destination.of("tls", "127.0.0.1", server.port()), WAIT)) {
      assertThat(lease.connection().isActive()).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(IoMode.class)
  void aTlsServerIdleCloseLeavesNoCloseWaitAndShutdownNoTimeWait(IoMode mode) throws Exception {
    IoMode.assumeSocketTable();
    try (TestServer server = TestServer.start(true, Duration.ofMillis(200), serverSsl);
        TestServer other = TestServer.start(true, null, serverSsl);
        NettyTransport transport =
            mode.builder(NettySettings.builder()).trustManager(certs.trust()).build()) {
      ConnectionPool<Channel> pool = pool(transport);
      Destination closing = Destination.of("tls", "localhost", server.port());
      Destination staying = Destination.of("tls", "localhost", other.port());
      pool.acquire(closing, WAIT).close();
      pool.acquire(staying, WAIT).close();
      Await.until("the server's idle close", WAIT, () -> server.serverCloses() == 1);
      Await.until(
          "the client to close its half",
          Duration.ofMillis(100),
          () -> SocketTable.clientCloseWait(server.port()) == 0 && pool.stats(closing).idle() == 0);
      pool.close(); // aborts the TLS connection to the other server without close_notify
      Await.until(
          "the client socket to go",
          WAIT,
          () -> SocketTable.clientSocketsAnyState(other.port()) == 0);
      assertThat(SocketTable.clientTimeWait(server.port())).isZero();
      assertThat(SocketTable.clientTimeWait(other.port())).isZero();
    }
  }
}
