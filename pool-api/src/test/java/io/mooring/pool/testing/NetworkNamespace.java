package io.mooring.pool.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs a Java main in a new user and network namespace ({@code unshare -Urn}, which needs no root
 * where unprivileged user namespaces are allowed) whose ephemeral range is {@code 40000..40000+n-1}
 * and whose {@code tcp_tw_reuse} is off. Traffic never leaves the namespace's own loopback. Shared
 * by the integration tests of every module through pool-api's test jar.
 */
public final class NetworkNamespace {
  private final int ports;

  /** A namespace with an ephemeral range of {@code ports} ports starting at 40000. */
  public NetworkNamespace(int ports) {
    this.ports = ports;
  }

  private String setup() {
    return "ip link set lo up"
        + " && echo '40000 "
        + (40000 + ports - 1)
        + "' > /proc/sys/net/ipv4/ip_local_port_range"
        + " && echo 0 > /proc/sys/net/ipv4/tcp_tw_reuse"
        + " && exec \"$0\" \"$@\"";
  }

  /** Why such a namespace cannot be made here, or null if it can. */
  public String unavailableReason() throws InterruptedException {
    if (!Files.isReadable(Path.of("/proc/net/tcp"))) {
      return "not Linux: no /proc/net/tcp";
    }
    try {
      Result probe = exec(List.of("unshare", "-Urn", "sh", "-c", setup(), "true"));
      if (probe.exit() != 0) {
        return "cannot make a network namespace with a "
            + ports
            + "-port range (unshare -Urn exit "
            + probe.exit()
            + "): "
            + probe.output().trim();
      }
    } catch (IOException e) {
      return "unshare is not usable: " + e.getMessage();
    }
    return null;
  }

  /**
   * Skips the calling test, printing why under {@code testName}, where such a namespace cannot be
   * made here.
   */
  public void assumeAvailable(String testName) throws InterruptedException {
    String reason = unavailableReason();
    if (reason != null) {
      System.out.println(testName + " skipped: " + reason);
    }
    Assumptions.assumeTrue(reason == null, reason);
  }

  /**
   * Runs {@code main} with {@code args} on this JVM's class path inside the namespace, prints what
   * it printed, and asserts that it exited 0.
   */
  public Result runChild(Class<?> main, String... args) throws Exception {
    Result r = runJava(System.getProperty("java.class.path"), main, args);
    System.out.println(
        "child " + String.join(" ", args) + ", exit " + r.exit() + ":\n" + r.output());
    assertThat(r.exit()).as(r.output()).isZero();
    return r;
  }

  /** Runs {@code main} with {@code args} on {@code classPath} inside the namespace. */
  public Result runJava(String classPath, Class<?> main, String... args)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "unshare", "-Urn", "sh", "-c", setup(), java, "-cp", classPath, main.getName()));
    cmd.addAll(List.of(args));
    return exec(cmd);
  }

  /** What a child printed and how it exited. */
  public record Result(int exit, String output) {
    /** The child's {@code KEY=value} lines. */
    public Map<String, String> values() {
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

  private static Result exec(List<String> cmd) throws IOException, InterruptedException {
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
