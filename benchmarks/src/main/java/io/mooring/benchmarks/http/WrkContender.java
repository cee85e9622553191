package io.mooring.benchmarks.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code wrk} (C, event loop per thread, no JVM): the ceiling. {@code wrk -t T -c N -d D --latency}
 * with {@code T = min(2, N)}; its whole-second duration is the measured one rounded, at least 1 s.
 * A warm-up invocation runs first when the warm-up is at least 1 s (it warms the in-JVM Netty
 * server); connections and TIME_WAIT are counted for the measured invocation only.
 */
final class WrkContender implements Contender {
  private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern TOTAL = Pattern.compile("(\\d+) requests in ([0-9.]+)(us|ms|s|m)");
  private static final Pattern PERCENTILE =
      Pattern.compile("^\\s+(50|99)(?:\\.0+)?%\\s+([0-9.]+)(us|ms|s|m)\\s*$", Pattern.MULTILINE);
  private static final Pattern ERRORS =
      Pattern.compile("(Socket errors:.*|Non-2xx or 3xx responses:\\s*\\d+)");
  private static final Pattern NON2XX = Pattern.compile("Non-2xx or 3xx responses:\\s*(\\d+)");
  private static final Pattern SOCKET_ERRORS =
      Pattern.compile("connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

  private final Path binary;
  private final SocketCounter sockets;

  WrkContender(Path binary, SocketCounter sockets) {
    this.binary = binary;
    this.sockets = sockets;
  }

  /** The wrk binary, if installed. */
  static Optional<Path> find() {
    return Stream.concat(
            Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .filter(s -> !s.isEmpty())
                .map(s -> Paths.get(s, "wrk")),
            Stream.of(Paths.get("/usr/bin/wrk")))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /** {@code wrk}'s version line. */
  static String version(Path binary) {
    try {
      Process p = new ProcessBuilder(binary.toString(), "-v").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(5, TimeUnit.SECONDS);
      String line = out.lines().findFirst().orElse("wrk").trim();
      int copyright = line.indexOf(" Copyright");
      return copyright > 0 ? line.substring(0, copyright) : line;
    } catch (IOException e) {
      return "wrk";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "wrk";
    }
  }

  @Override
  public String name() {
    return "wrk";
  }

  @Override
  public RunResult run(
      String serverKind, TargetServer.Starter starter, int inFlight, HarnessOptions o)
      throws Exception {
    try (TargetServer server = starter.start()) {
      InetSocketAddress address = server.address();
      if (o.warmUpMillis() >= 1000) {
        wrk(server, inFlight, Math.round(o.warmUpMillis() / 1000.0));
        sockets.awaitClosed(address, 2000);
      }
      long acceptedBefore = server.accepted().orElse(-1);
      int timeWaitBefore = sockets.timeWait(address);
      String out = wrk(server, inFlight, Math.max(1, Math.round(o.durationMillis() / 1000.0)));
      long acceptedAfter = server.accepted().orElse(-1);
      int stillOpen = sockets.awaitClosed(address, 2000);
      int timeWait = sockets.timeWait(address) - timeWaitBefore;
      Matcher rate = RATE.matcher(out);
      Matcher total = TOTAL.matcher(out);
      if (!rate.find() || !total.find()) {
        throw new IOException("unexpected wrk output:\n" + out);
      }
      double seconds = Double.parseDouble(total.group(2)) * unitNanos(total.group(3)) / 1e9;
      long requests = total.group(1).isEmpty() ? 0 : Long.parseLong(total.group(1));
      long p50 = -1;
      long p99 = -1;
      Matcher pm = PERCENTILE.matcher(out);
      while (pm.find()) {
        long nanos = Math.round(Double.parseDouble(pm.group(2)) * unitNanos(pm.group(3)));
        if (pm.group(1).equals("50")) {
          p50 = nanos;
        } else {
          p99 = nanos;
        }
      }
      long failed = failed(out);
      Map<String, Long> failures = new LinkedHashMap<>();
      Matcher em = ERRORS.matcher(out);
      while (em.find()) {
        failures.put(em.group(1).trim(), 1L);
      }
      return new RunResult(
          serverKind,
          name(),
          inFlight,
          Math.max(0, requests - failed),
          failed,
          seconds,
          p50,
          p99,
          acceptedBefore < 0 ? -1 : acceptedAfter - acceptedBefore,
          timeWait,
          stillOpen,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          List.of(),
          failures);
    }
  }

  private String wrk(TargetServer server, int inFlight, long seconds)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                binary.toString(),
                "-t",
                Integer.toString(Math.min(2, inFlight)),
                "-c",
                Integer.toString(inFlight),
                "-d",
                seconds + "s",
                "--latency",
                server.uri().toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(seconds + 30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("wrk did not finish");
    }
    if (p.exitValue() != 0) {
      throw new IOException("wrk exited with " + p.exitValue() + ":\n" + out);
    }
    return out;
  }

  private static long failed(String out) {
    long failed = 0;
    Matcher n = NON2XX.matcher(out);
    if (n.find()) {
      failed += Long.parseLong(n.group(1));
    }
    Matcher s = SOCKET_ERRORS.matcher(out);
    if (s.find()) {
      for (int i = 1; i <= 4; i++) {
        failed += Long.parseLong(s.group(i));
      }
    }
    return failed;
  }

  private static double unitNanos(String unit) {
    return switch (unit) {
      case "us" -> 1e3;
      case "ms" -> 1e6;
      case "s" -> 1e9;
      case "m" -> 60e9;
      default -> throw new IllegalArgumentException("unknown unit " + unit);
    };
  }
}
