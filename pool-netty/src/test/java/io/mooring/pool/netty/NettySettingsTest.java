package io.mooring.pool.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mooring.pool.netty.testing.LeakDetectorExtension;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakDetectorExtension.class)
class NettySettingsTest {

  @Test
  void defaults() {
    NettySettings s = NettySettings.defaults();
    assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.tcpNoDelay()).isTrue();
    assertThat(s.soKeepAlive()).isTrue();
    assertThat(s.forceNio()).isFalse();
    assertThat(s.localBindAddress()).isEmpty();
    assertThat(s.ioThreads()).isZero();
    assertThat(s.tlsHandshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.hostnameVerification()).isTrue();
    assertThat(s.abortDrainTimeout()).isEqualTo(Duration.ofMillis(200));
    assertThat(s.toBuilder().build().toString()).isEqualTo(s.toString());
  }

  @Test
  void rejectsOutOfRangeValuesNamingSettingValueAndRange() {
    assertThatThrownBy(() -> NettySettings.builder().connectTimeout(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("connectTimeout is PT0S; expected PT0.001S to PT10M");
    assertThatThrownBy(
            () -> NettySettings.builder().connectTimeout(Duration.ofNanos(1_500_000)).build())
        .hasMessageContaining("connectTimeout is PT0.0015S; expected whole milliseconds");
    assertThatThrownBy(
            () -> NettySettings.builder().tlsHandshakeTimeout(Duration.ofHours(1)).build())
        .hasMessage("tlsHandshakeTimeout is PT1H; expected PT0.001S to PT10M");
    assertThatThrownBy(
            () -> NettySettings.builder().abortDrainTimeout(Duration.ofMillis(-1)).build())
        .hasMessage("abortDrainTimeout is PT-0.001S; expected PT0S to PT10S");
    assertThatThrownBy(() -> NettySettings.builder().ioThreads(-1).build())
        .hasMessage("ioThreads is -1; expected 0..1024");
    assertThatThrownBy(
            () ->
                NettySettings.builder().localBindAddress(InetAddress.getByName("0.0.0.0")).build())
        .hasMessageContaining("localBindAddress is 0.0.0.0");
  }

  @Test
  void aServerSslContextIsRejected() throws Exception {
    var cert =
        io.mooring.pool.testing.TestCertificates.generate(
            java.nio.file.Files.createTempDirectory("mooring-cert"));
    SslContext server =
        SslContextBuilder.forServer(cert.keyManager()).sslProvider(SslProvider.JDK).build();
    assertThatThrownBy(() -> NettyTransport.builder().sslContext(server).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sslContext is a server context");
    // A client context is accepted and no event loop is left behind.
    NettyTransport.builder().sslContext(SslContextBuilder.forClient().build()).build().close();
  }
}
