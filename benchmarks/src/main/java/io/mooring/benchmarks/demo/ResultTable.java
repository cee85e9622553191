package io.mooring.benchmarks.demo;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The summary table, one row per phase and client, for the console and the report. The last column
 * compares each client with Mooring in the same phase on what the demonstration is about: failed
 * requests, client TIME_WAIT and CLOSE_WAIT; it says so where a client does as well.
 */
final class ResultTable {
  static final String[] HEADERS = {
    "phase",
    "client",
    "ok",
    "failed",
    "connections opened",
    "client TIME_WAIT",
    "CLOSE_WAIT held",
    "peak ephemeral ports",
    "vs Mooring"
  };

  private final List<Result> results;

  ResultTable(List<Result> results) {
    this.results = List.copyOf(results);
  }

  /** The cells of every row, in {@link #HEADERS} order. */
  List<String[]> rows() {
    List<String[]> rows = new ArrayList<>();
    for (Result r : results) {
      rows.add(
          new String[] {
            r.phase().title(),
            r.contender().name(),
            count(r.ok()),
            count(r.failed()),
            count(r.opened()),
            count(r.timeWait()),
            count(r.closeWait()),
            count(r.peakPorts()),
            verdict(r)
          });
    }
    return rows;
  }

  /** The rows with a failure: phase, client and the first error. */
  List<String> firstErrors() {
    List<String> lines = new ArrayList<>();
    for (Result r : results) {
      if (!r.firstError().isEmpty()) {
        lines.add(
            String.format(
                Locale.ROOT,
                "%s / %s: %,d failed, the first with %s",
                r.phase().title(),
                r.contender().name(),
                r.failed(),
                r.firstError()));
      }
    }
    return lines;
  }

  /** Prints the table with aligned columns, then the first errors. */
  void print(PrintStream out) {
    List<String[]> all = new ArrayList<>();
    all.add(HEADERS);
    all.addAll(rows());
    int[] width = new int[HEADERS.length];
    for (String[] line : all) {
      for (int i = 0; i < line.length; i++) {
        width[i] = Math.max(width[i], line[i].length());
      }
    }
    for (String[] line : all) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < line.length; i++) {
        boolean text = i < 2 || i == line.length - 1;
        String format = (i == 0 ? "" : "  ") + "%" + (text ? "-" : "") + width[i] + "s";
        b.append(String.format(Locale.ROOT, format, line[i]));
      }
      out.println(b.toString().stripTrailing());
    }
    List<String> errors = firstErrors();
    if (!errors.isEmpty()) {
      out.println();
      errors.forEach(out::println);
    }
  }

  /** The table as HTML, the first error of each row in its own column. */
  String html() {
    StringBuilder b = new StringBuilder("<table id='results'><tr>");
    for (String h : HEADERS) {
      b.append("<th>").append(HtmlReport.escape(h)).append("</th>");
    }
    b.append("<th>first error</th></tr>");
    List<String[]> rows = rows();
    for (int i = 0; i < rows.size(); i++) {
      b.append("<tr>");
      for (String c : rows.get(i)) {
        b.append("<td>").append(HtmlReport.escape(c)).append("</td>");
      }
      b.append("<td class='error'>")
          .append(HtmlReport.escape(results.get(i).firstError()))
          .append("</td></tr>");
    }
    return b.append("</table>").toString();
  }

  private String verdict(Result r) {
    if (r.contender().isMooring()) {
      return "";
    }
    Optional<Result> mooring =
        results.stream()
            .filter(o -> o.phase() == r.phase() && o.contender().isMooring())
            .findFirst();
    if (mooring.isEmpty()) {
      return "";
    }
    Result m = mooring.get();
    List<String> worse = new ArrayList<>();
    if (r.failed() > m.failed()) {
      worse.add("more failed");
    }
    if (r.timeWait() > m.timeWait()) {
      worse.add("more TIME_WAIT");
    }
    if (r.closeWait() > m.closeWait()) {
      worse.add("more CLOSE_WAIT");
    }
    if (!worse.isEmpty()) {
      return String.join(", ", worse);
    }
    boolean better =
        r.failed() < m.failed() || r.timeWait() < m.timeWait() || r.closeWait() < m.closeWait();
    return better ? "better than Mooring" : "as good as Mooring";
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
