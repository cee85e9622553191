package io.mooring.http.testing;

import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;

/**
 * URLs on the JDK's own {@code http}/{@code https} handler, for tests that run the same code on the
 * JDK's {@code HttpURLConnection} and on Mooring's, even after a test installed Mooring's JVM-wide
 * factory: a URL made before any factory keeps the JDK's handler, and a URL made with it as context
 * inherits that handler.
 */
public final class JdkUrls {
  private static final URL HTTP = make("http://127.0.0.1/");
  private static final URL HTTPS = make("https://127.0.0.1/");

  private JdkUrls() {}

  private static URL make(String spec) {
    try {
      return new URL(spec);
    } catch (MalformedURLException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Takes hold of the JDK's handlers; call before installing a URLStreamHandlerFactory. */
  public static void capture() {
    // the static initialiser did the work
  }

  /** {@code uri} as a URL whose connections are the JDK's own. */
  public static URL of(URI uri) throws MalformedURLException {
    return new URL("https".equalsIgnoreCase(uri.getScheme()) ? HTTPS : HTTP, uri.toString());
  }
}
