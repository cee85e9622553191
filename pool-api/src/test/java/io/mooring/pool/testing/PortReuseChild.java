package io.mooring.pool.testing;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;

/**
 * The common body of the child JVMs that client modules run in a {@link NetworkNamespace}: a {@link
 * RetiringServer} on {@link #PORT} that closes the connection after every {@code closeEvery}-th
 * request, and {@link #REQUESTS} GETs of {@code /hello} to it through the module's client. Prints
 * {@code KEY=value} lines ({@code CONNECTIONS}, {@code CLIENT_TIME_WAIT}, {@code SERVED}, {@code
 * OK}, {@code FAILED}, {@code FIRST_FAILURE}) for the test to read with {@link
 * NetworkNamespace.Result#values()}.
 */
public final class PortReuseChild {
  /** The server's port inside the namespace. */
  public static final int PORT = 5000;

  /** How many GETs the child sends. */
  public static final int REQUESTS = 2_000;

  /** A module's client, opened once per child and closed (before the server) at its end. */
  public interface Client extends AutoCloseable {
    /** Sends one GET of {@code /hello}; throws unless the answer is 200 {@code hello}. */
    void getHello() throws Exception;

    @Override
    void close() throws IOException;
  }

  /** Opens the module's client, recording its meters in {@code registry}. */
  @FunctionalInterface
  public interface ClientFactory {
    /** Opens a client for {@code http://127.0.0.1:PORT/}; the caller closes it. */
    Client open(SimpleMeterRegistry registry) throws Exception;
  }

  private PortReuseChild() {}

  /** Runs the server and the GETs, and prints the result lines. */
  public static void run(int closeEvery, ClientFactory factory) throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    int ok = 0;
    int failed = 0;
    String firstFailure = "";
    try (RetiringServer server = new RetiringServer(PORT, closeEvery);
        Client client = factory.open(registry)) {
      for (int i = 0; i < REQUESTS; i++) {
        try {
          client.getHello();
          ok++;
        } catch (Exception e) {
          failed++;
          if (firstFailure.isEmpty()) {
            firstFailure = e.toString();
          }
        }
      }
      System.out.println(
          "CONNECTIONS="
              + Math.round(
                  registry.find("mooring.connections.opened").counters().stream()
                      .mapToDouble(c -> c.count())
                      .sum()));
      System.out.println("CLIENT_TIME_WAIT=" + SocketTable.clientTimeWait(PORT));
      System.out.println("SERVED=" + server.requests());
    }
    System.out.println("OK=" + ok);
    System.out.println("FAILED=" + failed);
    System.out.println("FIRST_FAILURE=" + firstFailure);
  }
}
