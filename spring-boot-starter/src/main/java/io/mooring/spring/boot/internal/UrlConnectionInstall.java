package io.mooring.spring.boot.internal;

import io.mooring.http.MooringHttpClient;
import io.mooring.http.MooringUrlStreamHandler;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.Proxy;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.net.URLStreamHandlerFactory;
import java.util.Locale;
import java.util.Objects;

/**
 * {@code mooring.http.url-connection.install=true}: {@code new URL("http://...").openConnection()}
 * anywhere in the JVM runs on the context's {@link MooringHttpClient} (the HttpURLConnection
 * drop-in, {@link MooringUrlStreamHandler}) while the context is open.
 *
 * <p>The JVM takes one {@link URLStreamHandlerFactory}, ever, and caches the handlers it makes. So
 * the factory installed here is a switch, installed at the first install and never again: while a
 * context has bound its client, {@code http} and {@code https} URLs open on it; once that context
 * closes (tests and restarts start several contexts in one JVM), they open on the JDK's own handler
 * again, never on a closed client. One open context at a time may bind it. Thread safe.
 */
public final class UrlConnectionInstall implements AutoCloseable {
  /** The property that asks for it. */
  public static final String PROPERTY = "mooring.http.url-connection.install";

  private static final Object LOCK = new Object();
  private static boolean factoryInstalled;
  private static volatile MooringUrlStreamHandler bound;
  private static MooringHttpClient boundClient;

  private final MooringHttpClient client;

  private UrlConnectionInstall(MooringHttpClient client) {
    this.client = client;
  }

  /**
   * Binds {@code client} as the JVM's {@code http}/{@code https} URL handler until {@link
   * #close()}.
   *
   * @throws InvalidMooringPropertyException naming {@link #PROPERTY} if another open context has
   *     bound its client, or the JVM already has another URL stream handler factory
   */
  public static UrlConnectionInstall bind(MooringHttpClient client) {
    Objects.requireNonNull(client, "client");
    synchronized (LOCK) {
      if (boundClient != null) {
        throw new InvalidMooringPropertyException(
            PROPERTY,
            "HttpURLConnection is already on "
                + boundClient
                + " of another open application context; one context at a time can own it"
                + " (set it in one context only)",
            null);
      }
      if (!factoryInstalled) {
        installFactory();
        factoryInstalled = true;
      }
      boundClient = client;
      bound = new MooringUrlStreamHandler(client);
      return new UrlConnectionInstall(client);
    }
  }

  private static void installFactory() {
    URL jdkHttp;
    URL jdkHttps;
    try {
      // Made before the factory exists, these keep the JDK's own handlers, for when no context
      // is bound: new URL(context, spec) opens with its context's handler.
      jdkHttp = new URL("http://localhost/");
      jdkHttps = new URL("https://localhost/");
    } catch (MalformedURLException e) {
      throw new IllegalStateException(e);
    }
    URLStreamHandler http = new Switch(jdkHttp, 80);
    URLStreamHandler https = new Switch(jdkHttps, 443);
    try {
      URL.setURLStreamHandlerFactory(
          protocol ->
              switch (protocol.toLowerCase(Locale.ROOT)) {
                case "http" -> http;
                case "https" -> https;
                default -> null;
              });
    } catch (Error e) {
      throw new InvalidMooringPropertyException(
          PROPERTY,
          "this JVM already has a URLStreamHandlerFactory (set by a library, a container or"
              + " MooringUrlStreamHandlerFactory.install), and the JVM takes only one; remove the"
              + " property, or open such URLs with new URL(null, spec, new"
              + " MooringUrlStreamHandler(client))",
          e);
    }
  }

  /** Unbinds the client: from now on URLs open on the JDK's handler until a context binds again. */
  @Override
  public void close() {
    synchronized (LOCK) {
      if (boundClient == client) {
        boundClient = null;
        bound = null;
      }
    }
  }

  /** The installed handler of one protocol: the bound client's, else the JDK's. */
  private static final class Switch extends URLStreamHandler {
    private final URL jdk;
    private final int defaultPort;

    Switch(URL jdk, int defaultPort) {
      this.jdk = jdk;
      this.defaultPort = defaultPort;
    }

    @Override
    protected URLConnection openConnection(URL url) throws IOException {
      return delegate(url).openConnection();
    }

    @Override
    protected URLConnection openConnection(URL url, Proxy proxy) throws IOException {
      return delegate(url).openConnection(proxy);
    }

    /** The same URL on the bound handler, or on the JDK's. */
    private URL delegate(URL url) throws MalformedURLException {
      MooringUrlStreamHandler h = bound;
      return h != null
          ? new URL(null, url.toExternalForm(), h)
          : new URL(jdk, url.toExternalForm());
    }

    @Override
    protected int getDefaultPort() {
      return defaultPort;
    }
  }
}
