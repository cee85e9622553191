package io.mooring.pool.ports;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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

  private static final String SETUP =
      "ip link set lo up"
          + " && echo '40000 40009' > /proc/sys/net/ipv4/ip_local_port_range"
          + " && echo 0 > /proc/sys/net/ipv4/tcp_tw_reuse"
          + " && exec \"$0\" \"$@\"";

  @Test
  void closingFirstExhaustsTenPortsAndTheErrorExplainsIt() throws Exception {
    String reason = unavailableReason();
    if (reason != null) {
      System.out.println("NamespaceExhaustionIT skipped: " + reason);
    }
    Assumptions.assumeTrue(reason == null, reason);

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Result r =
        run(
            List.of(
                "unshare",
                "-Urn",
                "sh",
                "-c",
                SETUP,
                java,
                "-cp",
                childClassPath(),
                NamespaceExhaustionChild.class.getName(),
                Integer.toString(SERVER_PORT)));
    System.out.println("child exit " + r.exit + ":\n" + r.output);
    assertThat(r.exit).as(r.output).isZero();
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

  private static String unavailableReason() throws Exception {
    if (!Files.isReadable(Path.of("/proc/net/tcp"))) {
      return "not Linux: no /proc/net/tcp";
    }
    try {
      Result probe = run(List.of("unshare", "-Urn", "sh", "-c", SETUP, "true"));
      if (probe.exit != 0) {
        return "cannot make a network namespace with a 10-port range (unshare -Urn exit "
            + probe.exit
            + "): "
            + probe.output.trim();
      }
    } catch (IOException e) {
      return "unshare is not usable: " + e.getMessage();
    }
    return null;
  }

  private record Result(int exit, String output) {
    Map<String, String> values() {
      Map<String, String> m = new HashMap<>();
      for (String line : output.split("\n")) {
        int eq = line.indexOf('=');
        if (eq > 0 && line.substring(0, eq).matches("[A-Z_]+")) {
          m.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
      return m;
    }
  }

  private static Result run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return new Result(-1, out + "\n(timed out)");
    }
    return new Result(p.exitValue(), out);
  }
}
