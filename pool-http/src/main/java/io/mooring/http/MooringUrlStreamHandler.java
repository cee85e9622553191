package io.mooring.http;

import io.mooring.http.internal.PooledHttpURLConnection;
import io.mooring.http.internal.PooledHttpsURLConnection;
import java.io.IOException;
import java.net.Proxy;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.util.Locale;
import java.util.Objects;

/**
 * A {@link URLStreamHandler} for {@code http} and {@code https} whose connections run on a {@link
 * MooringHttpClient}'s pool: {@code new URL(null, spec, handler).openConnection()} returns an
 * {@link java.net.HttpURLConnection} ({@link javax.net.ssl.HttpsURLConnection} for https). Use it
 * per URL without touching the JVM-wide factory, or install {@link MooringUrlStreamHandlerFactory}.
 *
 * <p>Thread safe. The client belongs to whoever made it; the handler never closes it.
 */
public final class MooringUrlStreamHandler extends URLStreamHandler {
  private final MooringHttpClient client;

  /** A handler whose connections use {@code client}. */
  public MooringUrlStreamHandler(MooringHttpClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  @Override
  protected URLConnection openConnection(URL url) throws IOException {
    String protocol = url.getProtocol().toLowerCase(Locale.ROOT);
    return switch (protocol) {
      case "http" -> new PooledHttpURLConnection(url, client.engine());
      case "https" -> new PooledHttpsURLConnection(url, client.engine());
      default -> throw new IOException("unsupported protocol " + protocol + " in " + url);
    };
  }

  /**
   * As {@link #openConnection(URL)} for {@link Proxy#NO_PROXY}.
   *
   * @throws UnsupportedOperationException for any other proxy: proxies are not supported yet
   */
  @Override
  protected URLConnection openConnection(URL url, Proxy proxy) throws IOException {
    if (proxy != null && proxy.type() != Proxy.Type.DIRECT) {
      throw new UnsupportedOperationException(
          "Mooring's URL handler does not support proxies yet: " + proxy);
    }
    return openConnection(url);
  }

  @Override
  protected int getDefaultPort() {
    return 80;
  }
}
