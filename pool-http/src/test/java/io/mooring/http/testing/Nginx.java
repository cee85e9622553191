package io.mooring.http.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * nginx on a free loopback port, configured from a temp dir: {@code keepalive_timeout 1s;
 * keepalive_requests 5;}, {@code /hello} answers "hello", any POST is read and answered, and the
 * access log records method and {@code X-Id} of every request.
 */
public final class Nginx implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path dir;

  private Nginx(Process process, int port, Path dir) {
    this.process = process;
    this.port = port;
    this.dir = dir;
  }

  /** The nginx binary, or null. */
  public static String binary() {
    for (String p : List.of("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx")) {
      if (Files.isExecutable(Path.of(p))) {
        return p;
      }
    }
    return null;
  }

  /**
   * Starts nginx; skips the test with the reason when nginx is not installed, except on CI ({@code
   * CI=true}), where a missing nginx fails the test.
   */
  public static Nginx start(Path dir) throws Exception {
    String bin = binary();
    if (bin == null) {
      String why = "nginx is not installed (apt-get install nginx-light; .ci/setup does it)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new AssertionError(why + " and CI=true: this test must not skip on CI");
      }
      System.out.println("SKIPPED: " + why);
      Assumptions.abort(why);
    }
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path conf = dir.resolve("nginx.conf");
    String d = dir.toAbsolutePath().toString();
    Files.writeString(
        conf,
        "worker_processes 1;\n"
            + "error_log "
            + d
            + "/error.log warn;\n"
            + "pid "
            + d
            + "/nginx.pid;\n"
            + "events { worker_connections 4096; }\n"
            + "http {\n"
            + "  log_format ids '$request_method $http_x_id';\n"
            + "  access_log "
            + d
            + "/access.log ids;\n"
            + "  client_body_temp_path "
            + d
            + "/body;\n"
            + "  proxy_temp_path "
            + d
            + "/proxy;\n"
            + "  fastcgi_temp_path "
            + d
            + "/fastcgi;\n"
            + "  uwsgi_temp_path "
            + d
            + "/uwsgi;\n"
            + "  scgi_temp_path "
            + d
            + "/scgi;\n"
            + "  keepalive_timeout 1s;\n"
            + "  keepalive_requests 5;\n"
            + "  server {\n"
            + "    listen 127.0.0.1:"
            + port
            + ";\n"
            + "    location / { return 200 \"hello\"; }\n"
            + "    location /missing { return 404 \"no such thing\"; }\n"
            + "  }\n"
            + "}\n");
    Process p =
        new ProcessBuilder(bin, "-c", conf.toString(), "-p", d, "-g", "daemon off;")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("stdout.log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (Socket s = new Socket()) {
        s.setSoLinger(true, 0); // the probe resets: no TIME_WAIT of ours toward nginx
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        break;
      } catch (IOException e) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          p.destroyForcibly();
          throw new IOException(
              "nginx did not start: " + Files.readString(dir.resolve("stdout.log")), e);
        }
        Thread.sleep(20);
      }
    }
    return new Nginx(p, port, dir);
  }

  /** The port. */
  public int port() {
    return port;
  }

  /** {@code http://127.0.0.1:port + path}. */
  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** Lines of the access log: {@code METHOD X-Id}. */
  public List<String> accessLog() throws IOException {
    Path log = dir.resolve("access.log");
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  @Override
  public void close() throws IOException {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
