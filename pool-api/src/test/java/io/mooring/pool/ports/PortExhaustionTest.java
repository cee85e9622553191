package io.mooring.pool.ports;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class PortExhaustionTest {

  @Test
  void recognisesEaddrnotavailMessagesFromEveryTransport() {
    // JDK NIO and classic sockets on Linux
    assertThat(
            PortExhaustion.isAddressNotAvailable(
                new BindException("Cannot assign requested address")))
        .isTrue();
    // Netty epoll's NativeIoException message, wrapped as a CompletableFuture does
    assertThat(
            PortExhaustion.isAddressNotAvailable(
                new CompletionException(
                    new IOException(
                        "connect(..) failed: Cannot assign requested address",
                        new SocketException("wrapped")))))
        .isTrue();
    assertThat(
            PortExhaustion.isAddressNotAvailable(
                new ConnectException("Can't assign requested address"))) // macOS
        .isTrue();
    assertThat(
            PortExhaustion.isAddressNotAvailable(
                new UncheckedIOException(new IOException("connect failed: errno 99"))))
        .isTrue();
    assertThat(PortExhaustion.isAddressNotAvailable(new IOException("EADDRNOTAVAIL"))).isTrue();
    assertThat(
            PortExhaustion.isAddressNotAvailable(
                new SocketException("connect(..) failed: error code: -99")))
        .isTrue();
  }

  @Test
  void ignoresOtherErrors() {
    assertThat(PortExhaustion.isAddressNotAvailable(null)).isFalse();
    assertThat(PortExhaustion.isAddressNotAvailable(new ConnectException("Connection refused")))
        .isFalse();
    assertThat(PortExhaustion.isAddressNotAvailable(new BindException("Address already in use")))
        .isFalse();
    assertThat(PortExhaustion.isAddressNotAvailable(new IOException((String) null))).isFalse();
    assertThat(PortExhaustion.isAddressNotAvailable(new IOException("read 990 bytes"))).isFalse();
    IOException a = new IOException("a");
    IOException b = new IOException("b", a);
    a.initCause(b); // a cycle
    assertThat(PortExhaustion.isAddressNotAvailable(a)).isFalse();
  }

  @Test
  void exceptionNamesDestinationRangeCountsAndFixes() throws IOException {
    PortMonitor m =
        PortMonitor.builder()
            .root(Fixtures.root("basic"))
            .byteOrder(ByteOrder.LITTLE_ENDIAN)
            .logger(new RecordingLogger())
            .topN(0)
            .warnThreshold(1)
            .highWaterMark(1)
            .build();
    InetSocketAddress remote = new InetSocketAddress(InetAddress.getByName("10.0.0.2"), 80);
    BindException cause = new BindException("Cannot assign requested address");
    PortExhaustedException e = PortExhaustion.exception(remote, m, cause);

    assertThat(e).isInstanceOf(BindException.class).hasCause(cause);
    assertThat(PortExhaustion.isAddressNotAvailable(e)).isTrue();
    assertThat(e.destination()).isEqualTo("10.0.0.2:80");
    assertThat(e.range()).isEqualTo(new EphemeralPortRange(40000, 40099));
    assertThat(e.sockets()).isEqualTo(5);
    assertThat(e.timeWait()).isZero();
    assertThat(e.getMessage())
        .contains("10.0.0.2:80")
        .contains("40000-40099 (100 ports)")
        .contains("5 in use")
        .contains("0 in TIME_WAIT")
        .contains("reuse connections")
        .contains("let the server close first")
        .contains("SO_LINGER=0")
        .contains("ip_local_port_range");

    PortExhaustedException busy =
        PortExhaustion.exception(
            new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 443), m, cause);
    assertThat(busy.getMessage())
        .contains("70 in use, 35 in TIME_WAIT, 5 in CLOSE_WAIT")
        .contains("60 s");
  }

  @Test
  void exceptionWithoutAMonitorSaysTheCountsAreUnknown() {
    PortExhaustedException e =
        PortExhaustion.exception(
            InetSocketAddress.createUnresolved("api.example.com", 443), (PortMonitor) null, null);
    assertThat(e.sockets()).isEqualTo(-1);
    assertThat(e.timeWait()).isEqualTo(-1);
    assertThat(e.getMessage()).contains("api.example.com:443").contains("unknown");
  }

  /**
   * Issue 11, defect 8: the pool builds this exception where the connect failed, on an event loop.
   * A started monitor (whose own thread scans) must answer from its last snapshot, however old, and
   * never scan the socket tables on the calling thread; it asks its own thread for a fresh scan.
   */
  @Test
  void aStartedMonitorExplainsFromItsLastSnapshotAndScansOnItsOwnThread() throws IOException {
    TestClock clock = new TestClock();
    PortMonitor m =
        PortMonitor.builder()
            .root(Fixtures.root("basic"))
            .byteOrder(ByteOrder.LITTLE_ENDIAN)
            .logger(new RecordingLogger())
            .ticker(clock)
            .scheduler(clock)
            .scanInterval(Duration.ofSeconds(5))
            .build();
    m.start();
    clock.advance(Duration.ZERO); // the first scheduled scan
    PortSnapshot scanned = m.lastSnapshot();
    clock.advance(Duration.ofSeconds(2)); // 2 s old; the next scan is 3 s away
    assertThat(clock.pending()).isEqualTo(1);

    PortExhaustedException e =
        PortExhaustion.exception(
            new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 443),
            m,
            new BindException("Cannot assign requested address"));

    assertThat(m.lastSnapshot()).isSameAs(scanned); // no scan on the calling thread
    assertThat(e.getMessage()).contains("70 in use, 35 in TIME_WAIT, 5 in CLOSE_WAIT");
    assertThat(clock.pending()).isEqualTo(2); // a scan now, on the monitor's scheduler
    clock.advance(Duration.ZERO);
    assertThat(m.lastSnapshot()).isNotSameAs(scanned);
    assertThat(clock.pending()).isEqualTo(1); // the regular schedule goes on
    m.close();
  }
}
