package io.mooring.benchmarks.demo;

import io.mooring.http.IoMode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/**
 * Any {@link HttpClient}: the JDK's own, or Mooring's, which extends it. Closing calls {@code
 * close()} where the client has one (Mooring; the JDK's from Java 21) and otherwise drops the
 * reference, so the JDK 17 client closes its connections when it is collected, as it would in an
 * application.
 */
final class JavaNetHttpClient implements DemoClient {
  /** The JDK client's idle eviction, a system property read once when its pool class loads. */
  static final String JDK_KEEPALIVE_PROPERTY = "jdk.httpclient.keepalive.timeout";

  private final List<String> settings;
  private volatile HttpClient client;

  private JavaNetHttpClient(HttpClient client, List<String> settings) {
    this.client = client;
    this.settings = settings;
  }

  /** The JDK's {@code HttpClient}; its idle eviction comes from the system property. */
  static Contender jdk() {
    return new Contender(
        Contenders.JDK,
        "JDK HttpClient",
        setup ->
            new JavaNetHttpClient(
                HttpClient.newBuilder().connectTimeout(ClientSetup.CONNECT_TIMEOUT).build(),
                List.of(
                    "HttpClient.newBuilder().connectTimeout(5 s): otherwise defaults (HTTP/2"
                        + " preferred, so cleartext falls back to HTTP/1.1; no pool limit)",
                    "-D"
                        + JDK_KEEPALIVE_PROPERTY
                        + "="
                        + System.getProperty(JDK_KEEPALIVE_PROPERTY)
                        + " (default 1200 s on Java 17, 30 s from Java 21)",
                    "per-request timeout 10 s",
                    "close(): from Java 21; on Java 17 the client is dropped and collected")));
  }

  /**
   * Mooring's client on its default pool settings, but for the idle eviction: with event-loop I/O
   * (the default) as "Mooring", the row every other client is compared with, and with {@link
   * IoMode#CALLER_THREAD} as "Mooring (caller-thread I/O)".
   */
  static Contender mooring(IoMode io) {
    boolean callerThread = io == IoMode.CALLER_THREAD;
    return new Contender(
        callerThread ? Contenders.MOORING_CALLER_THREAD : Contenders.MOORING,
        callerThread ? "Mooring (caller-thread I/O)" : "Mooring",
        setup ->
            new JavaNetHttpClient(
                setup.mooringClient(io),
                List.of(
                    mooringSettings(setup)
                        + (callerThread
                            ? ", .io(IoMode.CALLER_THREAD): send does its own I/O"
                            : ""),
                    setup.mooringIdleSetting(),
                    "per-request timeout 10 s",
                    "close()")));
  }

  /** The settings line of {@link ClientSetup#mooringClient()}, for every contender built on it. */
  static String mooringSettings(ClientSetup setup) {
    return "MooringHttpClient.newBuilder().connectTimeout(5 s), default pool settings"
        + " (PEER_FIRST, fallback ABORT, "
        + setup.mooringPool().maxConnectionsPerDestination()
        + " per destination, learns the server's keep-alive timeout)";
  }

  @Override
  public int get(URI uri) throws IOException, InterruptedException {
    HttpClient c = client;
    if (c == null) {
      throw new IllegalStateException("the client is closed");
    }
    HttpRequest request =
        HttpRequest.newBuilder(uri).timeout(ClientSetup.RESPONSE_TIMEOUT).GET().build();
    return c.send(request, HttpResponse.BodyHandlers.ofByteArray()).statusCode();
  }

  @Override
  public List<String> settings() {
    return settings;
  }

  @Override
  public void close() {
    HttpClient c = client;
    client = null;
    if (c instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        throw new IllegalStateException("closing " + c + " failed", e);
      }
    }
  }
}
