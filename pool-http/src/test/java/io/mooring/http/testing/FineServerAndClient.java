package io.mooring.http.testing;

import io.mooring.http.IoMode;
import io.mooring.http.MooringHttpClient;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit extension giving each test a {@link RawServer} answering every request 200 {@code fine}
 * and a default {@link MooringHttpClient} in the given {@link IoMode}; it closes both (client
 * first) after the test. Register it as an instance field with {@code @RegisterExtension}; not
 * shared between threads.
 */
public final class FineServerAndClient implements BeforeEachCallback, AfterEachCallback {
  private final IoMode io;
  private RawServer server;
  private MooringHttpClient client;

  /** Clients doing their I/O as {@code io} says. */
  public FineServerAndClient(IoMode io) {
    this.io = io;
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    server = new RawServer((n, head) -> RawServer.ok("fine"));
    client = MooringHttpClient.newBuilder().io(io).build();
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    client.close();
    server.close();
  }

  /** The test's server, which records the requests it read. */
  public RawServer server() {
    return server;
  }

  /** The test's client. */
  public MooringHttpClient client() {
    return client;
  }
}
