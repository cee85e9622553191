package io.mooring.apache5;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.api.Test;

class MooringConnectionManagerTest {

  @Test
  void buildRefusesSoLingerBecauseThePoolDecidesHowSocketsClose() {
    assertThatThrownBy(
            () ->
                MooringConnectionManager.builder()
                    .defaultSocketConfig(
                        SocketConfig.custom().setSoLinger(TimeValue.ofSeconds(5)).build())
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SocketConfig.soLinger is 5 SECONDS");
  }

  @Test
  void buildRefusesSocksProxies() {
    assertThatThrownBy(
            () ->
                MooringConnectionManager.builder()
                    .defaultSocketConfig(
                        SocketConfig.custom()
                            .setSocksProxyAddress(
                                java.net.InetSocketAddress.createUnresolved("socks", 1080))
                            .build())
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("socksProxyAddress");
  }

  @Test
  void buildRefusesATimeToLiveAndNamesThePoolSettingToUse() {
    assertThatThrownBy(
            () ->
                MooringConnectionManager.builder()
                    .defaultConnectionConfig(
                        ConnectionConfig.custom().setTimeToLive(TimeValue.ofMinutes(1)).build())
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PoolSettings.maxLifetime");
  }

  @Test
  void leaseRefusesARouteThroughAProxy() {
    try (MooringConnectionManager manager = MooringConnectionManager.builder().build()) {
      HttpRoute viaProxy =
          new HttpRoute(new HttpHost("http", "example.com", 80), new HttpHost("proxy", 3128));
      assertThatThrownBy(() -> manager.lease("1", viaProxy, Timeout.ofSeconds(1), null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("goes through a proxy");
    }
  }
}
