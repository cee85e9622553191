package io.mooring.pool.ports;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.mooring.pool.testing.NetworkNamespace;
import io.mooring.pool.testing.NetworkNamespace.Result;
import java.io.File;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Real port exhaustion: a child JVM in a new network namespace ({@code unshare -Urn}, which needs
 * no root where unprivileged user namespaces are allowed) with a 10-port ephemeral range and
 * tcp_tw_reuse=0 connects to its own loopback server, closing first, until connect fails with
 * EADDRNOTAVAIL. Traffic never leaves the namespace's loopback. Skipped, saying why, where
 * namespaces cannot be made.
 */
class NamespaceExhaustionIT {
  private static final int SERVER_PORT = 5000;

  private static final NetworkNamespace NAMESPACE = new NetworkNamespace(10);

  @Test
  void closingFirstExhaustsTenPortsAndTheErrorExplainsIt() throws Exception {
    String reason = NAMESPACE.unavailableReason();
    if (reason != null) {
      System.out.println("NamespaceExhaustionIT skipped: " + reason);
    }
    Assumptions.assumeTrue(reason == null, reason);

    Result r =
        NAMESPACE.runJava(
            childClassPath(), NamespaceExhaustionChild.class, Integer.toString(SERVER_PORT));
    System.out.println("child exit " + r.exit() + ":\n" + r.output());
    assertThat(r.exit()).as(r.output()).isZero();
    Map<String, String> v = r.values();
    int connected = Integer.parseInt(v.get("CONNECTED"));
    assertThat(connected).as("connections before EADDRNOTAVAIL").isBetween(8, 10);
    assertThat(v.get("CAUSE")).contains("Cannot assign requested address");
    assertThat(Integer.parseInt(v.get("SOCKETS"))).isEqualTo(connected);
    assertThat(Integer.parseInt(v.get("TIME_WAIT"))).isBetween(connected - 2, connected);
    assertThat(v.get("MESSAGE"))
        .contains("127.0.0.1:" + SERVER_PORT)
        .contains("40000-40009 (10 ports)")
        .contains(connected + " in use")
        .contains("in TIME_WAIT")
        .contains("reuse connections")
        .contains("let the server close first")
        .contains("ip_local_port_range");
  }

  /**
   * The child's class path: where the test, pool-api and Micrometer classes were loaded from (the
   * forked test JVM's own {@code java.class.path} may be a manifest-only jar).
   */
  private static String childClassPath() throws Exception {
    Set<String> entries = new LinkedHashSet<>();
    for (Class<?> c :
        List.of(
            NamespaceExhaustionChild.class,
            PortMonitor.class,
            MeterBinder.class,
            io.micrometer.common.KeyValue.class)) {
      entries.add(
          Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
    }
    return String.join(File.pathSeparator, entries);
  }
}
