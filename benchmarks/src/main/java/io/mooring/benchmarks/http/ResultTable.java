package io.mooring.benchmarks.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * Folds the runs into one Markdown table, one row per (server, concurrency, contender): the mean
 * over rounds of requests/s (with its spread, half the max-min range, when there are several
 * rounds), of the latency percentiles, CPU time and context switches per request, connections,
 * TIME_WAIT and allocation per request; and the ratios of the requests/s to {@value #APACHE}'s and
 * {@value #OKHTTP}'s, and of the CPU per request to {@value #APACHE}'s, at the same server and
 * concurrency (so from the same run).
 */
final class ResultTable {
  /** The contender the throughput and CPU ratios are taken against first. */
  static final String APACHE = "Apache5";

  /** The contender the throughput ratio is taken against second. */
  static final String OKHTTP = "OkHttp";

  private ResultTable() {}

  /** The table, rows in the order of {@code servers}, {@code inFlight}, {@code contenders}. */
  static String render(
      List<RunResult> runs, List<String> servers, List<Integer> inFlight, List<String> contenders) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        "| server | client | in flight | requests/s | vs Apache5 | vs OkHttp | p50 | p99"
            + " | CPU µs/request | CPU vs Apache5 | ctx switches/request | connections opened"
            + " | client TIME_WAIT | alloc B/request | failed |\n");
    sb.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for (String server : servers) {
      for (int n : inFlight) {
        List<RunResult> apache = select(runs, server, n, APACHE);
        double apacheRate = mean(apache, RunResult::throughput);
        double apacheCpu = mean(apache, RunResult::cpuMicrosPerRequest);
        double okhttpRate = mean(select(runs, server, n, OKHTTP), RunResult::throughput);
        for (String contender : contenders) {
          List<RunResult> rs = select(runs, server, n, contender);
          if (rs.isEmpty()) {
            continue;
          }
          double rate = mean(rs, RunResult::throughput);
          double spread = spread(rs, RunResult::throughput);
          String rateText =
              rs.size() > 1 && rate > 0
                  ? String.format(Locale.ROOT, "%,.0f ±%.0f%%", rate, 100 * spread / rate)
                  : String.format(Locale.ROOT, "%,.0f", rate);
          sb.append(
              String.format(
                  Locale.ROOT,
                  "| %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                  server,
                  contender,
                  n,
                  rateText,
                  ratio(rate, apacheRate),
                  ratio(rate, okhttpRate),
                  latency(mean(rs, r -> r.p50Nanos())),
                  latency(mean(rs, r -> r.p99Nanos())),
                  decimal(cpu(rs)),
                  ratio(cpu(rs), apacheCpu),
                  decimal(mean(rs, RunResult::switchesPerRequest)) + exited(rs),
                  count(mean(rs, r -> r.connections())),
                  count(mean(rs, r -> r.timeWait())) + stillOpen(rs),
                  bytes(rs),
                  failed(rs)));
        }
      }
    }
    return sb.toString();
  }

  /**
   * The footnote to the mark {@link #exited} leaves: which threads ended during measured phases
   * (their context switches are missing from their rows), by name and how often; empty when none.
   */
  static String endedThreads(List<RunResult> runs) {
    Map<String, Long> names = new TreeMap<>();
    runs.forEach(r -> r.endedThreads().forEach(n -> names.merge(n, 1L, Long::sum)));
    if (names.isEmpty()) {
      return "";
    }
    StringBuilder sb =
        new StringBuilder("¹ threads ended while measured, their context switches missing:");
    names.forEach((n, k) -> sb.append(' ').append(n).append(" x").append(k).append(','));
    sb.setLength(sb.length() - 1);
    return sb.toString();
  }

  /** Every failure message, per run, for printing after the table. */
  static List<String> failures(List<RunResult> runs) {
    List<String> lines = new ArrayList<>();
    for (RunResult r : runs) {
      for (Map.Entry<String, Long> e : r.failures().entrySet()) {
        lines.add(
            String.format(
                Locale.ROOT,
                "%s %s in flight %d: %s (x%d)",
                r.server(),
                r.contender(),
                r.inFlight(),
                e.getKey(),
                e.getValue()));
      }
    }
    return lines;
  }

  private static List<RunResult> select(
      List<RunResult> runs, String server, int inFlight, String contender) {
    return runs.stream()
        .filter(
            r ->
                r.server().equals(server)
                    && r.inFlight() == inFlight
                    && r.contender().equals(contender))
        .toList();
  }

  /** Mean of the known (non-negative, non-NaN) values; NaN when none. */
  private static double mean(List<RunResult> rs, ToDoubleFunction<RunResult> f) {
    return rs.stream().mapToDouble(f).filter(v -> v >= 0).average().orElse(Double.NaN);
  }

  private static double spread(List<RunResult> rs, ToDoubleFunction<RunResult> f) {
    double max = rs.stream().mapToDouble(f).max().orElse(0);
    double min = rs.stream().mapToDouble(f).min().orElse(0);
    return (max - min) / 2;
  }

  /** {@code value / reference} as {@code 1.23x}; n/a when either is unknown or zero. */
  private static String ratio(double value, double reference) {
    return value > 0 && reference > 0
        ? String.format(Locale.ROOT, "%.2fx", value / reference)
        : "n/a";
  }

  private static double cpu(List<RunResult> rs) {
    return mean(rs, RunResult::cpuMicrosPerRequest);
  }

  private static String decimal(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%,.1f", v);
  }

  /** A mark when threads ended during a measured phase, so that their switches are missing. */
  private static String exited(List<RunResult> rs) {
    long ended = rs.stream().mapToLong(r -> r.endedThreads().size()).sum();
    return ended > 0 ? " ¹" : "";
  }

  private static String latency(double nanos) {
    if (Double.isNaN(nanos)) {
      return "n/a";
    }
    if (nanos < 1_000_000) {
      return String.format(Locale.ROOT, "%.0f µs", nanos / 1e3);
    }
    return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
  }

  private static String count(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    return v == Math.rint(v)
        ? String.format(Locale.ROOT, "%,.0f", v)
        : String.format(Locale.ROOT, "%,.1f", v);
  }

  private static String stillOpen(List<RunResult> rs) {
    int open = rs.stream().mapToInt(RunResult::stillOpen).filter(v -> v > 0).sum();
    return open > 0 ? " (+" + open + " still open)" : "";
  }

  private static String bytes(List<RunResult> rs) {
    double b = rs.stream().mapToDouble(RunResult::bytesPerRequest).average().orElse(Double.NaN);
    return Double.isNaN(b) ? "n/a" : String.format(Locale.ROOT, "%,.0f", b);
  }

  private static String failed(List<RunResult> rs) {
    long failed = rs.stream().mapToLong(RunResult::failed).sum();
    boolean broken = rs.stream().anyMatch(r -> r.seconds() == 0);
    return broken ? failed + " (did not run)" : Long.toString(failed);
  }
}
