package io.mooring.pool.ports;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The monitor against the live kernel, on loopback only: it must agree with {@code ss -Htan} about
 * the client sockets toward a server of the test's own.
 */
class PortMonitorLiveIT {

  @BeforeAll
  static void linuxWithSs() {
    String reason = SsTable.unavailableReason();
    if (reason != null) {
      System.out.println("PortMonitorLiveIT skipped: " + reason);
    }
    Assumptions.assumeTrue(reason == null, reason);
  }

  @Test
  void agreesWithSsAboutEstablishedTimeWaitAndCloseWait() throws Exception {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    Map<Integer, Socket> accepted = new ConcurrentHashMap<>(); // by the client's port
    List<Socket> clients = new ArrayList<>();
    try (ServerSocket server = new ServerSocket(0, 50, loopback)) {
      int port = server.getLocalPort();
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  for (; ; ) {
                    Socket s = server.accept();
                    accepted.put(s.getPort(), s);
                  }
                } catch (IOException closed) {
                  // the server socket was closed: the test is over
                }
              },
              "acceptor");
      acceptor.setDaemon(true);
      acceptor.start();
      try {
        for (int i = 0; i < 12; i++) {
          Socket c = new Socket();
          c.connect(new InetSocketAddress(loopback, port), 5000);
          clients.add(c);
        }
        awaitTrue(() -> accepted.size() == 12);
        // 5 closed by the client first (TIME_WAIT on the client once the server closes too),
        for (Socket c : clients.subList(0, 5)) {
          int local = c.getLocalPort();
          c.close();
          Socket peer = accepted.get(local);
          try (InputStream in = peer.getInputStream()) {
            assertThat(in.read()).isEqualTo(-1);
          }
          peer.close();
        }
        // 3 closed by the server first and never by the client (CLOSE_WAIT), 4 left open.
        for (Socket c : clients.subList(5, 8)) {
          accepted.get(c.getLocalPort()).close();
        }
        Map<PortState, Integer> expected =
            Map.of(
                PortState.ESTABLISHED, 4,
                PortState.TIME_WAIT, 5,
                PortState.CLOSE_WAIT, 3,
                PortState.FIN_WAIT, 0,
                PortState.OTHER, 0);
        awaitTrue(() -> SsTable.toward(port).equals(expected));

        RecordingLogger logger = new RecordingLogger();
        PortMonitor monitor = PortMonitor.builder().logger(logger).build();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        monitor.bindTo(registry);
        InetSocketAddress remote = new InetSocketAddress(loopback, port);
        monitor.watch(remote);
        assertThat(monitor.isAvailable()).isTrue();
        PortSnapshot snapshot = monitor.scan();
        Map<PortState, Integer> ss = SsTable.toward(port);

        EndpointUsage u = snapshot.usage(remote).orElseThrow();
        int ssTotal = ss.values().stream().mapToInt(Integer::intValue).sum();
        System.out.printf(
            "live kernel: ss %s; monitor sockets=%d time_wait=%d close_wait=%d, range %s,"
                + " scan %s for %d lines%n",
            ss,
            u.sockets(),
            u.timeWait(),
            u.closeWait(),
            snapshot.range(),
            snapshot.scanDuration(),
            snapshot.lines());
        assertThat(ss).isEqualTo(expected);
        assertThat(u.sockets()).isEqualTo(ssTotal).isEqualTo(12);
        assertThat(u.timeWait()).isEqualTo(ss.get(PortState.TIME_WAIT));
        assertThat(u.closeWait()).isEqualTo(ss.get(PortState.CLOSE_WAIT));
        assertThat(u.utilization()).isEqualTo(12.0 / snapshot.range().size());
        assertThat(snapshot.range()).isEqualTo(EphemeralPortRange.read(java.nio.file.Path.of("/")));
        assertThat(snapshot.sockets(PortState.TIME_WAIT)).isGreaterThanOrEqualTo(5);
        assertThat(snapshot.sockets(PortState.CLOSE_WAIT)).isGreaterThanOrEqualTo(3);
        assertThat(snapshot.malformedLines()).isZero();
        String tag = "127.0.0.1:" + port;
        assertThat(registry.get(PortMonitor.TIME_WAIT).tag("destination", tag).gauge().value())
            .isEqualTo(5);
        assertThat(registry.get(PortMonitor.CLOSE_WAIT).tag("destination", tag).gauge().value())
            .isEqualTo(3);
        assertThat(registry.get(PortMonitor.AVAILABLE).gauge().value()).isEqualTo(1);
        monitor.close();
      } finally {
        for (Socket c : clients) {
          c.close();
        }
        for (Socket s : accepted.values()) {
          s.close();
        }
      }
    }
  }

  interface Check {
    boolean ok() throws Exception;
  }

  static void awaitTrue(Check check) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!check.ok()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met in 10 s");
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }
}
