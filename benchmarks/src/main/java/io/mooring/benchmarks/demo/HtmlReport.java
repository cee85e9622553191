package io.mooring.benchmarks.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A self-contained HTML page: what ran, the results table, per phase a Chart.js chart of client
 * TIME_WAIT over time with each client in its own lane (so equal lines do not hide each other),
 * each client's settings and Mooring's meters. Chart.js is read from its WebJar and inlined, so the
 * file opens anywhere without a network. Once a chart has drawn, its canvas carries {@code
 * data-rendered} and {@code data-series} (the series drawn), which the browser test reads.
 */
final class HtmlReport {
  private static final String CHART_JS =
      "/META-INF/resources/webjars/chart.js/4.4.9/dist/chart.umd.js";
  private static final String[] COLOURS = {
    "#2e7d32", "#1565c0", "#c62828", "#6a1b9a", "#ef6c00", "#00838f", "#5d4037"
  };
  private static final String RENDERED_PLUGIN =
      "const rendered={id:'rendered',afterRender(chart){const c=chart.canvas;"
          + "c.dataset.series=chart.data.datasets.filter((d,i)=>chart.isDatasetVisible(i)"
          + "&&chart.getDatasetMeta(i).data.length>0).length;c.dataset.rendered='true';}};";

  /**
   * The page's content.
   *
   * @param intro lines about the machine and the run
   * @param phases the phases that ran, in order
   * @param contenders the clients that ran, in order
   * @param settings each client's settings lines, by client name
   * @param results every result
   * @param meters Mooring's meters in Prometheus text format
   */
  record Content(
      List<String> intro,
      List<Phase> phases,
      List<Contender> contenders,
      Map<String, List<String>> settings,
      List<Result> results,
      String meters) {}

  private HtmlReport() {}

  static void write(Path file, Content content) throws IOException {
    StringBuilder b = new StringBuilder();
    b.append("<!doctype html><html><head><meta charset='utf-8'><title>Mooring demonstration")
        .append("</title><style>body{font-family:sans-serif;margin:2em;max-width:1200px}")
        .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;")
        .append("text-align:right}th:nth-child(-n+2),td:nth-child(-n+2),td:nth-last-child(-n+2)")
        .append("{text-align:left}td.error{font-size:85%;max-width:28em}")
        .append(".chart{position:relative}pre{font-size:80%;overflow-x:auto}</style><script>")
        .append(chartJs())
        .append("</script><script>")
        .append(RENDERED_PLUGIN)
        .append("</script></head><body data-clients='")
        .append(content.contenders().size())
        .append("'><h1>Mooring demonstration</h1>");
    for (String line : content.intro()) {
      b.append("<p>").append(escape(line)).append("</p>");
    }
    b.append("<h2>Phases</h2><ol>");
    for (Phase p : content.phases()) {
      b.append("<li><b>")
          .append(escape(p.title().replaceFirst("^\\d+ ", "")))
          .append("</b>: ")
          .append(escape(p.summary()))
          .append("</li>");
    }
    b.append("</ol><h2>Results</h2>").append(new ResultTable(content.results()).html());
    b.append("<h2>Client TIME_WAIT sockets over time (from the kernel's table)</h2>")
        .append("<p>One chart per phase, one lane per client, each lane scaled to that client's")
        .append(" own count (read its axis); every client ran the phase at the same time against")
        .append(" its own server, and its line ends when it finished.</p>");
    for (Phase p : content.phases()) {
      chart(b, p, content);
    }
    b.append("<h2>Settings</h2>");
    for (Contender c : content.contenders()) {
      b.append("<h3>").append(escape(c.name())).append("</h3><ul>");
      for (String s : content.settings().getOrDefault(c.name(), List.of())) {
        b.append("<li>").append(escape(s)).append("</li>");
      }
      b.append("</ul>");
    }
    b.append("<h2>Mooring's meters (Prometheus text format)</h2><pre>")
        .append(escape(content.meters()))
        .append("</pre></body></html>");
    Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
  }

  private static void chart(StringBuilder b, Phase phase, Content content) {
    List<Result> results = content.results().stream().filter(r -> r.phase() == phase).toList();
    String id = "tw-" + phase.key();
    StringBuilder datasets = new StringBuilder();
    StringBuilder scales =
        new StringBuilder(
            "x:{type:'linear',min:0,title:{display:true,text:'seconds since the phase began'}}");
    for (int i = 0; i < results.size(); i++) {
      Result r = results.get(i);
      String axis = "y" + i;
      StringBuilder points = new StringBuilder();
      for (SocketSampler.Point p : r.series()) {
        points
            .append(points.length() == 0 ? "" : ",")
            .append(
                String.format(Locale.ROOT, "{x:%.2f,y:%d}", p.seconds(), p.reading().timeWait()));
      }
      datasets
          .append(i == 0 ? "" : ",")
          .append("{label:'")
          .append(js(r.contender().name()))
          .append("',yAxisID:'")
          .append(axis)
          .append("',borderColor:'")
          .append(COLOURS[i % COLOURS.length])
          .append("',pointRadius:0,borderWidth:2,data:[")
          .append(points)
          .append("]}");
      scales
          .append(",")
          .append(axis)
          .append(":{type:'linear',stack:'lanes',stackWeight:1,offset:true,min:0,max:")
          .append(Math.max(1, r.timeWait()))
          .append(",ticks:{maxTicksLimit:3,precision:0},title:{display:true,text:'")
          .append(js(shortName(r.contender().name())))
          .append("'}}");
    }
    b.append("<h3>")
        .append(escape(phase.title()))
        .append("</h3><div class='chart' style='height:")
        .append(80 + 70 * results.size())
        .append("px'><canvas id='")
        .append(id)
        .append("' class='tw-chart' data-phase='")
        .append(escape(phase.key()))
        .append("'></canvas></div><script>new Chart(document.getElementById('")
        .append(id)
        .append("'),{type:'line',data:{datasets:[")
        .append(datasets)
        .append("]},plugins:[rendered],options:{animation:false,maintainAspectRatio:false,")
        .append("scales:{")
        .append(scales)
        .append("}}});</script>");
  }

  private static String shortName(String name) {
    return name.length() <= 14 ? name : name.substring(0, 13) + "…";
  }

  private static String chartJs() throws IOException {
    try (InputStream in = HtmlReport.class.getResourceAsStream(CHART_JS)) {
      if (in == null) {
        throw new IOException("Chart.js not on the class path at " + CHART_JS);
      }
      // Inlined inside <script>: a "</script" in the library would end the element early.
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .replace("</script", "<\\/script");
    }
  }

  /** For text inside a single-quoted JavaScript string in a script element. */
  private static String js(String s) {
    return s.replace("\\", "\\\\").replace("'", "\\'").replace("<", "\\u003c");
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;");
  }
}
