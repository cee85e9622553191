package io.mooring.pool.ports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PortMonitorTest {
  private final TestClock clock = new TestClock();
  private final RecordingLogger logger = new RecordingLogger();

  private PortMonitor.Builder fixture(Path root) {
    return PortMonitor.builder()
        .root(root)
        .byteOrder(ByteOrder.LITTLE_ENDIAN)
        .ticker(clock)
        .scheduler(clock)
        .logger(logger);
  }

  private static InetSocketAddress ip(String ip, int port) throws IOException {
    return new InetSocketAddress(InetAddress.getByName(ip), port);
  }

  @Test
  void snapshotCountsStatesAndDestinations() throws IOException {
    PortMonitor m = fixture(Fixtures.root("basic")).build();
    assertThat(m.isAvailable()).isTrue();
    PortSnapshot s = m.scan();

    assertThat(s.available()).isTrue();
    assertThat(s.range()).isEqualTo(new EphemeralPortRange(40000, 40099));
    assertThat(s.sockets(PortState.ESTABLISHED)).isEqualTo(37);
    assertThat(s.sockets(PortState.TIME_WAIT)).isEqualTo(35);
    assertThat(s.sockets(PortState.CLOSE_WAIT)).isEqualTo(5);
    assertThat(s.sockets(PortState.FIN_WAIT)).isEqualTo(1);
    assertThat(s.sockets(PortState.OTHER)).isEqualTo(2);
    assertThat(s.sockets()).isEqualTo(80);
    assertThat(s.tcpInUse()).isEqualTo(52);
    assertThat(s.tcpTimeWait()).isEqualTo(35);
    assertThat(s.malformedLines()).isEqualTo(7);

    assertThat(s.destinations())
        .extracting(EndpointUsage::destination)
        .containsExactly("10.0.0.1:443", "10.0.0.2:80", "[2001:db8:0:0:0:0:0:1]:443");
    EndpointUsage top = s.destinations().get(0);
    assertThat(top.sockets()).isEqualTo(70);
    assertThat(top.timeWait()).isEqualTo(35);
    assertThat(top.closeWait()).isEqualTo(5);
    assertThat(top.utilization()).isCloseTo(0.70, within(1e-9));
    assertThat(top.address()).isEqualTo(ip("10.0.0.1", 443));
    assertThat(s.usage(ip("::ffff:10.0.0.1", 443))).contains(top);
    assertThat(s.usage("10.0.0.1:443")).contains(top);
    assertThat(m.lastSnapshot()).isSameAs(s);
  }

  @Test
  void highWaterAndUtilizationComeFromTheLastSnapshot() throws IOException {
    PortMonitor m = fixture(Fixtures.root("basic")).highWaterMark(0.7).build();
    InetSocketAddress busy = ip("10.0.0.1", 443);
    assertThat(m.overHighWater(busy)).as("before any scan").isFalse();
    m.scan();
    assertThat(m.utilization(busy)).isCloseTo(0.70, within(1e-9));
    assertThat(m.overHighWater(busy)).isTrue();
    assertThat(m.overHighWater(InetSocketAddress.createUnresolved("10.0.0.1", 443))).isTrue();
    assertThat(m.overHighWater(ip("10.0.0.2", 80))).isFalse();
    assertThat(m.utilization(ip("192.0.2.7", 1234))).isZero();
  }

  @Test
  void topNIsBoundedButWatchedAndOverThresholdAreAlwaysReported() throws IOException {
    PortMonitor m = fixture(Fixtures.root("basic")).topN(0).build();
    m.watch("10.0.0.2", 80);
    m.watch(InetSocketAddress.createUnresolved("10.0.0.99", 8080));
    PortSnapshot s = m.scan();
    assertThat(s.destinations())
        .extracting(EndpointUsage::destination)
        .containsExactly("10.0.0.1:443", "10.0.0.2:80", "10.0.0.99:8080");
    assertThat(s.usage("10.0.0.1:443").orElseThrow().watched()).isFalse();
    assertThat(s.usage("10.0.0.2:80").orElseThrow().watched()).isTrue();
    assertThat(s.usage("10.0.0.2:80").orElseThrow().sockets()).isEqualTo(5);
    assertThat(s.usage("10.0.0.99:8080").orElseThrow().sockets()).isZero();
    assertThat(m.watched()).containsExactlyInAnyOrder("10.0.0.2:80", "10.0.0.99:8080");

    m.unwatch("10.0.0.2", 80);
    assertThat(m.scan().destinations())
        .extracting(EndpointUsage::destination)
        .containsExactly("10.0.0.1:443", "10.0.0.99:8080");
  }

  @Test
  void builderRejectsEverySettingOutOfRangeNamingIt() {
    PortMonitor.Builder b = PortMonitor.builder();
    assertThatThrownBy(() -> b.scanInterval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scanInterval")
        .hasMessageContaining("PT0S")
        .hasMessageContaining("[PT0.01S, PT1H]");
    assertThatThrownBy(() -> b.scanInterval(Duration.ofHours(2)))
        .hasMessageContaining("scanInterval");
    assertThatThrownBy(() -> b.topN(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("topN = -1")
        .hasMessageContaining("[0, 1000]");
    assertThatThrownBy(() -> b.topN(1001)).hasMessageContaining("topN = 1001");
    assertThatThrownBy(() -> b.warnThreshold(0))
        .hasMessageContaining("warnThreshold = 0.0")
        .hasMessageContaining("(0, 1]");
    assertThatThrownBy(() -> b.warnThreshold(Double.NaN)).hasMessageContaining("warnThreshold");
    assertThatThrownBy(() -> b.highWaterMark(1.5))
        .hasMessageContaining("highWaterMark = 1.5")
        .hasMessageContaining("(0, 1]");
    assertThatThrownBy(() -> b.warnInterval(Duration.ofSeconds(-1)))
        .hasMessageContaining("warnInterval = PT-1S");
    assertThatThrownBy(() -> b.root(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> PortMonitor.create().watch("", 80))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PortMonitor.create().watch("h", 0))
        .isInstanceOf(IllegalArgumentException.class);
    PortMonitor d = PortMonitor.create();
    assertThat(d.scanInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(d.topN()).isEqualTo(10);
    assertThat(d.warnThreshold()).isEqualTo(0.5);
    assertThat(d.highWaterMark()).isEqualTo(0.8);
    assertThat(d.root()).isEqualTo(Path.of("/"));
  }

  @Test
  void unavailableWithoutProcNetTcp(@TempDir Path empty) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    PortMonitor m = fixture(empty).build();
    m.bindTo(registry);
    assertThat(m.isAvailable()).isFalse();
    assertThat(registry.get(PortMonitor.AVAILABLE).gauge().value()).isZero();
    m.start();
    assertThat(clock.pending()).as("nothing scheduled").isZero();
    PortSnapshot s = m.scan();
    assertThat(s.available()).isFalse();
    assertThat(s.sockets()).isZero();
    assertThat(s.destinations()).isEmpty();
    assertThat(m.overHighWater(InetSocketAddress.createUnresolved("x", 1))).isFalse();
    m.close();
  }

  @Test
  void gaugesFollowTheSnapshotAndDestinationMetersAreRemoved(@TempDir Path dir) throws IOException {
    Path root = copy(Fixtures.root("basic"), dir);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    PortMonitor m = fixture(root).build();
    m.bindTo(registry);
    m.bindTo(registry); // harmless
    m.scan();

    assertThat(registry.get(PortMonitor.AVAILABLE).gauge().value()).isEqualTo(1);
    assertThat(registry.get(PortMonitor.RANGE).gauge().value()).isEqualTo(100);
    assertThat(registry.get(PortMonitor.RANGE).gauge().getId().getBaseUnit()).isEqualTo("ports");
    assertThat(registry.get(PortMonitor.SOCKETS).tag("state", "time_wait").gauge().value())
        .isEqualTo(35);
    assertThat(registry.get(PortMonitor.SOCKETS).tag("state", "established").gauge().value())
        .isEqualTo(37);
    assertThat(registry.get(PortMonitor.SOCKETS).tag("state", "fin_wait").gauge().value())
        .isEqualTo(1);
    assertThat(
            registry
                .get(PortMonitor.UTILIZATION)
                .tag("destination", "10.0.0.1:443")
                .gauge()
                .value())
        .isCloseTo(0.70, within(1e-9));
    assertThat(
            registry.get(PortMonitor.TIME_WAIT).tag("destination", "10.0.0.1:443").gauge().value())
        .isEqualTo(35);
    assertThat(
            registry.get(PortMonitor.CLOSE_WAIT).tag("destination", "10.0.0.1:443").gauge().value())
        .isEqualTo(5);
    assertThat(registry.get(PortMonitor.UTILIZATION).gauges()).hasSize(3);
    assertThat(registry.get(PortMonitor.SCAN_DURATION).timer().count()).isEqualTo(1);
    assertThat(registry.get(PortMonitor.MALFORMED).functionCounter().count()).isEqualTo(7);

    // 10.0.0.2:80 and the IPv6 destination go away
    Path tcp = root.resolve("proc/net/tcp");
    try (Stream<String> lines = Files.lines(tcp)) {
      Files.write(tcp, lines.filter(l -> !l.contains(":0050 ")).toList());
    }
    Files.delete(root.resolve("proc/net/tcp6"));
    PortSnapshot s = m.scan();
    assertThat(s.destinations()).extracting(EndpointUsage::destination).contains("10.0.0.1:443");
    assertThat(registry.find(PortMonitor.UTILIZATION).tag("destination", "10.0.0.2:80").gauge())
        .isNull();
    assertThat(registry.find(PortMonitor.TIME_WAIT).tag("destination", "10.0.0.2:80").gauge())
        .isNull();
    assertThat(registry.get(PortMonitor.UTILIZATION).gauges()).hasSize(1);
    assertThat(
            registry
                .get(PortMonitor.UTILIZATION)
                .tag("destination", "10.0.0.1:443")
                .gauge()
                .value())
        .isCloseTo(0.60, within(1e-9));

    m.close();
    assertThat(registry.getMeters()).extracting(Meter::getId).isEmpty();
  }

  @Test
  void warnsOncePerDestinationPerIntervalNamingWhatToDo() {
    PortMonitor m = fixture(Fixtures.root("basic")).warnInterval(Duration.ofMinutes(5)).build();
    m.scan();
    assertThat(logger.warnings).hasSize(1);
    String w = logger.warnings.get(0);
    assertThat(w)
        .contains("10.0.0.1:443")
        .contains("70%")
        .contains("70 sockets in use")
        .contains("35 in TIME_WAIT")
        .contains("5 in CLOSE_WAIT")
        .contains("40000-40099 (100 ports)")
        .contains("EADDRNOTAVAIL")
        .contains("reuse connections")
        .contains("Mooring's pool")
        .contains("let the server close first")
        .contains("ip_local_port_range");
    m.scan();
    clock.advance(Duration.ofMinutes(4));
    m.scan();
    assertThat(logger.warnings).hasSize(1);
    clock.advance(Duration.ofMinutes(1));
    m.scan();
    assertThat(logger.warnings).hasSize(2);
  }

  @Test
  void noWarningBelowTheThreshold() {
    PortMonitor m = fixture(Fixtures.root("basic")).warnThreshold(0.71).build();
    m.scan();
    assertThat(logger.warnings).isEmpty();
  }

  @Test
  void startScansAtOnceThenEveryIntervalUntilClosed() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    PortMonitor m = fixture(Fixtures.root("basic")).scanInterval(Duration.ofSeconds(5)).build();
    m.bindTo(registry);
    m.start();
    m.start(); // idempotent
    clock.advance(Duration.ZERO);
    assertThat(registry.get(PortMonitor.SCAN_DURATION).timer().count()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(4));
    assertThat(registry.get(PortMonitor.SCAN_DURATION).timer().count()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(1));
    assertThat(registry.get(PortMonitor.SCAN_DURATION).timer().count()).isEqualTo(2);
    clock.advance(Duration.ofSeconds(10));
    assertThat(registry.get(PortMonitor.SCAN_DURATION).timer().count()).isEqualTo(4);
    m.close();
    assertThat(clock.pending()).isZero();
    assertThatThrownBy(m::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void ownDaemonThreadScansWhenNoSchedulerIsGiven() throws Exception {
    PortMonitor m =
        PortMonitor.builder()
            .root(Fixtures.root("basic"))
            .byteOrder(ByteOrder.LITTLE_ENDIAN)
            .logger(logger)
            .build();
    m.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (m.lastSnapshot().lines() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    m.close();
    assertThat(m.lastSnapshot().sockets(PortState.TIME_WAIT)).isEqualTo(35);
  }

  private static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return to;
  }
}
