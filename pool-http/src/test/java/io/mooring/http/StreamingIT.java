package io.mooring.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.mooring.http.testing.JdkServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A 100 MB response and a 100 MB upload through a client in a JVM with a 64 MB heap: the body
 * streams with bounded buffering in both directions. The server runs in this JVM.
 */
class StreamingIT {
  private static final long SIZE = 100L * 1024 * 1024;

  @Test
  void hundredMegabytesEachWayInSixtyFourMegabytesOfHeap() throws Exception {
    try (JdkServer server = new JdkServer()) {
      server.handle(
          "/download",
          ex -> {
            ex.sendResponseHeaders(200, SIZE);
            byte[] chunk = new byte[64 * 1024];
            try (OutputStream out = ex.getResponseBody()) {
              for (long sent = 0; sent < SIZE; sent += chunk.length) {
                out.write(chunk);
              }
            }
          });
      server.handle(
          "/upload",
          ex -> {
            long n = 0;
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = ex.getRequestBody()) {
              for (int r; (r = in.read(buf)) >= 0; ) {
                n += r;
              }
            }
            JdkServer.respond(ex, 200, Long.toString(n));
          });
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process p =
          new ProcessBuilder(
                  List.of(
                      java,
                      "-Xmx64m",
                      "-cp",
                      System.getProperty("java.class.path"),
                      StreamingMain.class.getName(),
                      server.uri("/").toString(),
                      Long.toString(SIZE)))
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      System.out.println("streaming child JVM: " + out.trim());
      assertThat(p.exitValue()).as(out).isZero();
      assertThat(out).contains("OK downloaded and uploaded " + SIZE);
    }
  }
}
