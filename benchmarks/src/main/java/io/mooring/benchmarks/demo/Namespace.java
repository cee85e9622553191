package io.mooring.benchmarks.demo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Re-runs the demonstration inside a new user and network namespace ({@code unshare -Urn}, no root
 * needed where unprivileged user namespaces are allowed) whose ephemeral range is 1,000 ports and
 * whose {@code tcp_tw_reuse} is off. All traffic stays on that namespace's own loopback.
 */
final class Namespace {
  static final String SETUP =
      "ip link set lo up"
          + " && echo '40000 40999' > /proc/sys/net/ipv4/ip_local_port_range"
          + " && echo 0 > /proc/sys/net/ipv4/tcp_tw_reuse"
          + " && exec \"$0\" \"$@\"";

  private Namespace() {}

  /** Runs this JVM's main again inside the namespace and returns its exit code. */
  static int rerunInside(String[] args) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of("unshare", "-Urn", "sh", "-c", SETUP, java));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Demo.class.getName());
    for (String a : args) {
      if (!a.equals("--netns")) {
        command.add(a);
      }
    }
    command.add("--inside-netns");
    System.out.println(
        "Starting a network namespace: 1,000 ephemeral ports (40000-40999), tcp_tw_reuse=0");
    Process p = new ProcessBuilder(command).inheritIO().start();
    int exit = p.waitFor();
    if (exit != 0) {
      System.err.println(
          "the namespace run failed (exit "
              + exit
              + "); it needs unshare(1) from util-linux, ip(8) from iproute2 and unprivileged user"
              + " namespaces (or root)");
    }
    return exit;
  }
}
