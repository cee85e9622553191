package io.mooring.benchmarks.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The harness's command line.
 *
 * @param durationMillis measured phase per run
 * @param warmUpMillis warm-up per run, discarded
 * @param rounds how many times every (server, concurrency, client) run is repeated
 * @param inFlight the concurrency levels
 * @param servers the server kinds ({@code netty}, {@code nginx})
 * @param clients the contenders, by lower-case name
 */
record HarnessOptions(
    long durationMillis,
    long warmUpMillis,
    int rounds,
    List<Integer> inFlight,
    List<String> servers,
    List<String> clients) {

  /** All contenders, in the table's order. */
  static final List<String> ALL_CLIENTS =
      List.of(
          "mooring",
          "mooring-caller",
          "mooring-async",
          "jdk",
          "apache",
          "apache-mooring",
          "okhttp",
          "okhttp-mooring",
          "okhttp-mooring-caller",
          "huc-jdk",
          "huc-mooring",
          "huc-mooring-caller",
          "reactor",
          "retrofit-mooring",
          "retrofit-okhttp",
          "wrk");

  static final String USAGE =
      String.join(
          "\n",
          "usage: java -cp mooring-benchmarks.jar io.mooring.benchmarks.http.HttpHarness [options]",
          "  --duration D      measured phase per run (5s; units ms, s)",
          "  --warm-up D       warm-up per run, discarded (1s)",
          "  --rounds N        rounds; clients are rotated round by round (2)",
          "  --in-flight LIST  concurrency levels (1,16,64)",
          "  --servers LIST    netty,nginx (nginx skipped when not installed)",
          "  --clients LIST    " + String.join(",", ALL_CLIENTS) + " (wrk skipped when absent)",
          "  --smoke           0.5s runs, 0.2s warm-up, 1 round, in flight 1,16 (for CI)");

  /** Parses {@code args}; throws {@link IllegalArgumentException} with the usage on error. */
  static HarnessOptions parse(String... args) {
    long duration = 5000;
    long warmUp = 1000;
    int rounds = 2;
    List<Integer> inFlight = List.of(1, 16, 64);
    List<String> servers = List.of("netty", "nginx");
    List<String> clients = ALL_CLIENTS;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--smoke" -> {
          duration = 500;
          warmUp = 200;
          rounds = 1;
          inFlight = List.of(1, 16);
        }
        case "--duration" -> duration = millis(value(args, ++i, a));
        case "--warm-up" -> warmUp = millis(value(args, ++i, a));
        case "--rounds" -> rounds = positive(value(args, ++i, a), a);
        case "--in-flight" -> {
          List<Integer> levels = new ArrayList<>();
          for (String s : list(value(args, ++i, a))) {
            levels.add(positive(s, a));
          }
          inFlight = List.copyOf(levels);
        }
        case "--servers" -> servers = checked(list(value(args, ++i, a)), List.of("netty", "nginx"));
        case "--clients" -> clients = checked(list(value(args, ++i, a)), ALL_CLIENTS);
        case "-h", "--help" -> throw new IllegalArgumentException(USAGE);
        default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
      }
    }
    if (duration <= 0 || warmUp < 0) {
      throw new IllegalArgumentException("durations must be positive\n" + USAGE);
    }
    return new HarnessOptions(duration, warmUp, rounds, inFlight, servers, clients);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
    }
    return args[i];
  }

  private static List<String> list(String s) {
    return Arrays.stream(s.split(","))
        .map(x -> x.trim().toLowerCase(Locale.ROOT))
        .filter(x -> !x.isEmpty())
        .toList();
  }

  private static List<String> checked(List<String> values, List<String> allowed) {
    for (String v : values) {
      if (!allowed.contains(v)) {
        throw new IllegalArgumentException("unknown value " + v + "; one of " + allowed);
      }
    }
    return values;
  }

  private static int positive(String s, String option) {
    try {
      int n = Integer.parseInt(s.trim());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(option + " needs a positive integer, not " + s);
  }

  /** {@code 500ms}, {@code 5s}, {@code 0.5s} or a plain number of seconds. */
  static long millis(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.endsWith("ms")) {
        return Long.parseLong(t.substring(0, t.length() - 2));
      }
      if (t.endsWith("s")) {
        t = t.substring(0, t.length() - 1);
      }
      return Math.round(Double.parseDouble(t) * 1000);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a duration: " + s + "\n" + USAGE, e);
    }
  }
}
