package io.mooring.http;

import java.net.URL;
import java.net.URLStreamHandler;
import java.net.URLStreamHandlerFactory;
import java.util.Objects;

/**
 * Makes existing {@code new URL("http://...").openConnection()} code run on the Mooring pool:
 * {@code http} and {@code https} URLs get {@link MooringUrlStreamHandler}s, every other protocol
 * the JDK's own handler.
 *
 * <pre>{@code
 * MooringHttpClient client = MooringHttpClient.newHttpClient();
 * MooringUrlStreamHandlerFactory.install(client); // once per JVM
 * HttpURLConnection c = (HttpURLConnection) new URL("http://example.com/").openConnection();
 * }</pre>
 *
 * <p>Thread safe. The client belongs to the caller, who must keep it open while URLs use it.
 */
public final class MooringUrlStreamHandlerFactory implements URLStreamHandlerFactory {
  private static final Object INSTALL_LOCK = new Object();
  private static MooringUrlStreamHandlerFactory installed;

  private final MooringUrlStreamHandler handler;

  /** A factory whose handlers use {@code client}. */
  public MooringUrlStreamHandlerFactory(MooringHttpClient client) {
    this.handler = new MooringUrlStreamHandler(Objects.requireNonNull(client, "client"));
  }

  /**
   * Installs a factory for {@code client} as the JVM-wide one ({@link
   * URL#setURLStreamHandlerFactory}), which the JVM allows once.
   *
   * @throws IllegalStateException if this JVM already has a URL stream handler factory
   */
  public static MooringUrlStreamHandlerFactory install(MooringHttpClient client) {
    synchronized (INSTALL_LOCK) {
      if (installed != null) {
        throw new IllegalStateException(
            "a Mooring URLStreamHandlerFactory is already installed in this JVM");
      }
      MooringUrlStreamHandlerFactory f = new MooringUrlStreamHandlerFactory(client);
      try {
        URL.setURLStreamHandlerFactory(f);
      } catch (Error e) {
        throw new IllegalStateException(
            "this JVM already has a URLStreamHandlerFactory; use MooringUrlStreamHandler per URL",
            e);
      }
      installed = f;
      return f;
    }
  }

  /** The handler for {@code http} and {@code https}; null (the JDK's handler) otherwise. */
  @Override
  public URLStreamHandler createURLStreamHandler(String protocol) {
    return "http".equalsIgnoreCase(protocol) || "https".equalsIgnoreCase(protocol) ? handler : null;
  }
}
