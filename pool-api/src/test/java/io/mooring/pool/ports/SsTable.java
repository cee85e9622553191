package io.mooring.pool.ports;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Counts from {@code ss -Htan}, the kernel's other view of the same table, for tests. */
final class SsTable {
  private SsTable() {}

  /** Why ss cannot be used here, or null if it can. */
  static String unavailableReason() {
    if (!Files.isReadable(Path.of("/proc/net/tcp"))) {
      return "not Linux: no /proc/net/tcp";
    }
    try {
      run("-Htan");
      return null;
    } catch (IOException e) {
      return "ss (iproute2) is not usable: " + e.getMessage();
    }
  }

  /** Client sockets toward 127.0.0.1:{@code port} by state, as ss prints them. */
  static Map<PortState, Integer> toward(int port) throws IOException {
    Map<PortState, Integer> counts = new EnumMap<>(PortState.class);
    for (PortState s : PortState.values()) {
      counts.put(s, 0);
    }
    for (String line : run("-Htan", "dport = :" + port).split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 5 || !f[4].endsWith(":" + port)) {
        continue;
      }
      counts.merge(state(f[0]), 1, Integer::sum);
    }
    return counts;
  }

  private static PortState state(String ss) {
    switch (ss) {
      case "ESTAB":
        return PortState.ESTABLISHED;
      case "TIME-WAIT":
        return PortState.TIME_WAIT;
      case "CLOSE-WAIT":
        return PortState.CLOSE_WAIT;
      case "FIN-WAIT-1":
      case "FIN-WAIT-2":
        return PortState.FIN_WAIT;
      default:
        return PortState.OTHER;
    }
  }

  private static String run(String... args) throws IOException {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "ss";
    System.arraycopy(args, 0, cmd, 1, args.length);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try (InputStream in = p.getInputStream()) {
      String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("ss exited with " + p.exitValue() + ": " + out);
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
