package io.mooring.benchmarks.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A self-contained HTML page: the results table and a Chart.js line chart of client TIME_WAIT over
 * time per client. Chart.js is read from its WebJar and inlined, so the file opens anywhere without
 * a network.
 */
final class HtmlReport {
  private static final String CHART_JS =
      "/META-INF/resources/webjars/chart.js/4.4.9/dist/chart.umd.js";
  private static final String[] COLOURS = {"#2e7d32", "#1565c0", "#c62828", "#6a1b9a"};

  private HtmlReport() {}

  static void write(
      Path file,
      String title,
      String tableHtml,
      List<String> clients,
      List<SocketSampler.Sample> samples)
      throws IOException {
    StringBuilder datasets = new StringBuilder();
    for (int i = 0; i < clients.size(); i++) {
      String name = clients.get(i);
      StringBuilder points = new StringBuilder();
      for (SocketSampler.Sample s : samples) {
        int[] v = s.byClient().get(name);
        if (points.length() > 0) {
          points.append(',');
        }
        points.append(
            String.format(Locale.ROOT, "{x:%.2f,y:%d}", s.seconds(), v == null ? 0 : v[0]));
      }
      datasets
          .append(i == 0 ? "" : ",")
          .append("{label:'")
          .append(escape(name))
          .append("',borderColor:'")
          .append(COLOURS[i % COLOURS.length])
          .append("',pointRadius:0,data:[")
          .append(points)
          .append("]}");
    }
    String html =
        "<!doctype html><html><head><meta charset='utf-8'><title>"
            + escape(title)
            + "</title><style>body{font-family:sans-serif;margin:2em;max-width:1100px}"
            + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}"
            + "th:first-child,td:first-child{text-align:left}</style><script>"
            + chartJs()
            + "</script></head><body><h1>"
            + escape(title)
            + "</h1>"
            + tableHtml
            + "<h2>Client TIME_WAIT sockets over time (from the kernel's table)</h2>"
            + "<canvas id='tw' height='120'></canvas><script>new Chart(document.getElementById('tw'),"
            + "{type:'line',data:{datasets:["
            + datasets
            + "]},options:{animation:false,parsing:true,scales:{x:{type:'linear',title:{display:true,"
            + "text:'seconds'}},y:{beginAtZero:true,title:{display:true,text:'client TIME_WAIT'}}}}});"
            + "</script></body></html>";
    Files.writeString(file, html, StandardCharsets.UTF_8);
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

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;");
  }
}
