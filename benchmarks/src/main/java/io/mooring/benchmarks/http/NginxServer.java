package io.mooring.benchmarks.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * nginx on loopback, started from a config written to a temporary directory ({@code nginx -c conf
 * -p dir -g 'daemon off;'}): one worker process, {@code return 200 "ok\n"}, {@code
 * keepalive_requests 100000} and a 75 s keep-alive timeout, so the server never closes first during
 * a run. A second loopback port serves {@code stub_status}, read with HTTP/1.0 requests that the
 * server closes, to count accepted connections.
 */
final class NginxServer implements TargetServer {
  private static final Pattern ACCEPTS = Pattern.compile("\\s(\\d+)\\s+(\\d+)\\s+(\\d+)\\s");

  private final Path dir;
  private final Process process;
  private final InetSocketAddress address;
  private final InetSocketAddress status;
  private final long acceptsAtStart;

  private NginxServer(Path binary) throws IOException, InterruptedException {
    dir = Files.createTempDirectory("mooring-harness-nginx");
    int port = freePort();
    int statusPort = freePort();
    address = new InetSocketAddress("127.0.0.1", port);
    status = new InetSocketAddress("127.0.0.1", statusPort);
    Path conf = dir.resolve("nginx.conf");
    Files.writeString(conf, config(dir, port, statusPort));
    process =
        new ProcessBuilder(
                binary.toString(), "-c", conf.toString(), "-p", dir.toString(), "-g", "daemon off;")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("out.log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    Long first = null;
    while (first == null) {
      try {
        first = readAccepts();
      } catch (IOException e) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          process.destroyForcibly();
          throw new IOException("nginx did not start: " + log(), e);
        }
        Thread.sleep(20);
      }
    }
    acceptsAtStart = first; // counts the status request that read it
  }

  /** The nginx binary, if installed ({@code PATH}, then {@code /usr/sbin}). */
  static Optional<Path> find() {
    Stream<Path> candidates =
        Stream.concat(
            Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .filter(s -> !s.isEmpty())
                .map(s -> Paths.get(s, "nginx")),
            Stream.of(Paths.get("/usr/sbin/nginx"), Paths.get("/usr/local/sbin/nginx")));
    return candidates.filter(Files::isExecutable).findFirst();
  }

  /** Starts nginx from {@code binary} on free loopback ports. */
  static TargetServer start(Path binary) throws IOException, InterruptedException {
    return new NginxServer(binary);
  }

  /** The nginx version line ({@code nginx -v}). */
  static String version(Path binary) {
    try {
      Process p = new ProcessBuilder(binary.toString(), "-v").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor(5, TimeUnit.SECONDS);
      return out.replace("nginx version: ", "");
    } catch (IOException e) {
      return "nginx (version unknown: " + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "nginx";
    }
  }

  @Override
  public InetSocketAddress address() {
    return address;
  }

  /** Accepted connections on the main port: status accepts minus the status requests' own. */
  @Override
  public OptionalLong accepted() {
    try {
      return OptionalLong.of(readAccepts() - acceptsAtStart - 1);
    } catch (IOException e) {
      return OptionalLong.empty();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private long readAccepts() throws IOException {
    try (Socket s = new Socket()) {
      s.connect(status, 1000);
      s.setSoTimeout(2000);
      OutputStream out = s.getOutputStream();
      out.write("GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      Matcher m = ACCEPTS.matcher(text.substring(Math.max(0, text.indexOf("requests"))));
      if (!m.find()) {
        throw new IOException("unexpected stub_status answer: " + text);
      }
      return Long.parseLong(m.group(1));
    }
  }

  private String log() {
    try {
      return Files.readString(dir.resolve("out.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  private static String config(Path dir, int port, int statusPort) {
    String d = dir.toString();
    return String.join(
        "\n",
        "worker_processes 1;",
        "pid " + d + "/nginx.pid;",
        "error_log " + d + "/error.log warn;",
        "events { worker_connections 4096; }",
        "http {",
        "  access_log off;",
        "  client_body_temp_path " + d + "/body;",
        "  proxy_temp_path " + d + "/proxy;",
        "  fastcgi_temp_path " + d + "/fastcgi;",
        "  uwsgi_temp_path " + d + "/uwsgi;",
        "  scgi_temp_path " + d + "/scgi;",
        "  keepalive_requests 100000;",
        "  keepalive_timeout 75s;",
        "  server {",
        "    listen 127.0.0.1:" + port + " backlog=1024;",
        "    location / { default_type text/plain; return 200 \"ok\\n\"; }",
        "  }",
        "  server {",
        "    listen 127.0.0.1:" + statusPort + ";",
        "    location / { stub_status; }",
        "  }",
        "}",
        "");
  }
}
