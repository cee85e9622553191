package io.mooring.pool.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * nginx on a free loopback port, configured from a temp dir. By default ({@link #start(Path)})
 * {@code keepalive_timeout 1s; keepalive_requests 5;}; {@link #builder()} changes those, adds TLS
 * with a {@link TestCertificates} certificate, and a large file. Locations: {@code /hello} (and any
 * path not below) answers "hello" to any method, reading a request body; {@code /missing} 404;
 * {@code /error} 500; {@code /redirect} a 302 to {@code /hello}; {@code /files/big.bin} the large
 * file when one was asked for. The access log records method and {@code X-Id} of every request, or
 * what {@link Builder#accessLogFormat(String)} asks.
 */
public final class Nginx implements AutoCloseable {
  private final Path dir;
  private final Path conf;
  private final int port;
  private final boolean tls;
  private Process process;

  private Nginx(Path dir, Path conf, int port, boolean tls) {
    this.dir = dir;
    this.conf = conf;
    this.port = port;
    this.tls = tls;
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

  /** Starts nginx with the defaults ({@code keepalive_timeout 1s; keepalive_requests 5;}). */
  public static Nginx start(Path dir) throws Exception {
    return builder().start(dir);
  }

  /** A configuration to change before {@link Builder#start(Path)}. */
  public static Builder builder() {
    return new Builder();
  }

  /** The port. */
  public int port() {
    return port;
  }

  /** {@code http://127.0.0.1:port + path}, or with TLS {@code https://localhost:port + path}. */
  public URI uri(String path) {
    return tls ? uri("localhost", path) : uri("127.0.0.1", path);
  }

  /** The URI of {@code path} through {@code host} (which must resolve to loopback). */
  public URI uri(String host, String path) {
    return URI.create((tls ? "https://" : "http://") + host + ":" + port + path);
  }

  /** Lines of the access log: {@code METHOD X-Id}, or as {@link Builder#accessLogFormat}. */
  public List<String> accessLog() throws IOException {
    Path log = dir.resolve("access.log");
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  private void launch() throws IOException, InterruptedException {
    String d = dir.toAbsolutePath().toString();
    Process p =
        new ProcessBuilder(binary(), "-c", conf.toString(), "-p", d, "-g", "daemon off;")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile()))
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
    process = p;
  }

  /** Stops nginx (closing its connections with a FIN) and starts it again on the same port. */
  public void restart() throws Exception {
    stop();
    launch();
  }

  /**
   * Restarts nginx as an operator does: a graceful stop (SIGQUIT, as {@code nginx -s quit}: it
   * closes its listening socket, ends idle keep-alive connections, finishes the requests in flight
   * and exits), then {@code gap} with nothing listening, then a new nginx on the same port. Returns
   * how long nothing listened.
   */
  public Duration restart(Duration gap) throws Exception {
    Process p = process;
    new ProcessBuilder("kill", "-QUIT", Long.toString(p.pid())).start().waitFor();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      throw new IOException("nginx did not quit within 10 s");
    }
    long stopped = System.nanoTime();
    process = null;
    TimeUnit.NANOSECONDS.sleep(gap.toNanos());
    launch();
    return Duration.ofNanos(System.nanoTime() - stopped);
  }

  private void stop() {
    Process p = process;
    if (p == null) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
    process = null;
  }

  @Override
  public void close() {
    stop();
  }

  /** nginx's configuration; {@link #start(Path)} writes it and starts nginx. Not thread safe. */
  public static final class Builder {
    private String keepaliveTimeout = "1s";
    private int keepaliveRequests = 5;
    private TestCertificates certificates;
    private int bigFileBytes;
    private String accessLogFormat = "$request_method $http_x_id";

    private Builder() {}

    /**
     * The access log's line, in nginx's variables, such as {@code $uri $http_user_agent}; the
     * default is {@code $request_method $http_x_id}. Must not contain a single quote.
     */
    public Builder accessLogFormat(String format) {
      if (format.indexOf('\'') >= 0) {
        throw new IllegalArgumentException("accessLogFormat has a single quote: " + format);
      }
      this.accessLogFormat = format;
      return this;
    }

    /** {@code keepalive_timeout}, such as {@code 1s} or {@code 75s}. */
    public Builder keepaliveTimeout(String timeout) {
      this.keepaliveTimeout = timeout;
      return this;
    }

    /** {@code keepalive_requests}: requests per connection before nginx closes it. */
    public Builder keepaliveRequests(int requests) {
      this.keepaliveRequests = requests;
      return this;
    }

    /** Serves HTTPS only, with {@code certificates} (valid for {@code localhost} only). */
    public Builder tls(TestCertificates certificates) {
      this.certificates = certificates;
      return this;
    }

    /** Serves {@code /files/big.bin}, {@code bytes} long (byte i is {@code i % 251}). */
    public Builder bigFile(int bytes) {
      this.bigFileBytes = bytes;
      return this;
    }

    /**
     * Writes the configuration into {@code dir} and starts nginx; skips the test with the reason
     * when nginx is not installed, except on CI ({@code CI=true}), where a missing nginx fails it.
     */
    public Nginx start(Path dir) throws Exception {
      if (binary() == null) {
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
      String d = dir.toAbsolutePath().toString();
      if (bigFileBytes > 0) {
        Path files = Files.createDirectories(dir.resolve("www/files"));
        byte[] data = new byte[bigFileBytes];
        for (int i = 0; i < data.length; i++) {
          data[i] = (byte) (i % 251);
        }
        Files.write(files.resolve("big.bin"), data);
        // nginx's worker runs as an unprivileged user when started as root: let it read the file
        for (Path p = files.resolve("big.bin"); p != null && p.startsWith(dir); p = p.getParent()) {
          Files.setPosixFilePermissions(
              p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
        }
      }
      String ssl = "";
      if (certificates != null) {
        Path[] pem = certificates.writePem(dir);
        ssl = " ssl;\n    ssl_certificate " + pem[0] + ";\n    ssl_certificate_key " + pem[1];
      }
      Path conf = dir.resolve("nginx.conf");
      Files.writeString(
          conf,
          "worker_processes 1;\n"
              + ("error_log " + d + "/error.log warn;\n")
              + ("pid " + d + "/nginx.pid;\n")
              + "events { worker_connections 4096; }\n"
              + "http {\n"
              + ("  log_format ids '" + accessLogFormat + "';\n")
              + ("  access_log " + d + "/access.log ids;\n")
              + ("  client_body_temp_path " + d + "/body;\n")
              + ("  proxy_temp_path " + d + "/proxy;\n")
              + ("  fastcgi_temp_path " + d + "/fastcgi;\n")
              + ("  uwsgi_temp_path " + d + "/uwsgi;\n")
              + ("  scgi_temp_path " + d + "/scgi;\n")
              + ("  keepalive_timeout " + keepaliveTimeout + ";\n")
              + ("  keepalive_requests " + keepaliveRequests + ";\n")
              + "  server {\n"
              + ("    listen 127.0.0.1:" + port + ssl + ";\n")
              + ("    root " + d + "/www;\n")
              + "    location / { return 200 \"hello\"; }\n"
              + "    location /missing { return 404 \"no such thing\"; }\n"
              + "    location /error { return 500 \"broken\"; }\n"
              + "    location /redirect { return 302 /hello; }\n"
              + "    location /files/ { }\n"
              + "  }\n"
              + "}\n");
      Nginx nginx = new Nginx(dir, conf, port, certificates != null);
      nginx.launch();
      return nginx;
    }
  }
}
