package io.mooring.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.mooring.pool.PoolSettings;
import io.mooring.pool.ports.PortMonitor;
import org.junit.jupiter.api.Test;

/** The defaults written out for the configuration metadata are the pool's and the monitor's. */
class MooringHttpPropertiesTest {
  @Test
  void defaultsAreThePoolsOwn() {
    MooringHttpProperties p = new MooringHttpProperties();
    PoolSettings d = PoolSettings.defaults();
    assertThat(p.getMaxConnectionsPerDestination()).isEqualTo(d.maxConnectionsPerDestination());
    assertThat(p.getMaxConnectionsTotal()).isEqualTo(d.maxConnectionsTotal());
    assertThat(p.getMaxIdleTime()).isEqualTo(d.maxIdleTime());
    assertThat(p.getMaxLifetime()).isEqualTo(d.maxLifetime());
    assertThat(p.getMaxRequestsPerConnection()).isEqualTo(d.maxRequestsPerConnection());
    assertThat(p.getServerIdleTimeout()).isEqualTo(d.serverIdleTimeout());
    assertThat(p.getClosePolicy()).isEqualTo(d.closePolicy());
    assertThat(p.getRetirementTimeout()).isEqualTo(d.retirementTimeout());
    assertThat(p.getAcquireTimeout()).isEqualTo(d.acquireTimeout());
    assertThat(p.getMaxPendingAcquires()).isEqualTo(d.maxPendingAcquires());
  }

  @Test
  void portMonitorDefaultsAreTheMonitorsOwn() {
    MooringHttpProperties.PortMonitorProperties p = new MooringHttpProperties().getPortMonitor();
    try (PortMonitor m = PortMonitor.builder().build()) {
      assertThat(p.getScanInterval()).isEqualTo(m.scanInterval());
      assertThat(p.getWarnThreshold()).isEqualTo(m.warnThreshold());
      assertThat(p.getHighWaterMark()).isEqualTo(m.highWaterMark());
    }
  }
}
