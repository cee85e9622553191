package io.mooring.benchmarks.demo;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.List;

/**
 * The anti-pattern: {@link HttpURLConnection} read by length and then {@code disconnect()}ed before
 * its stream is closed, as ad-hoc code often does. {@code disconnect()} then closes the socket
 * client first, which leaves one client TIME_WAIT per request.
 */
final class NaiveUrlConnectionClient implements DemoClient {

  /** The contender: ad-hoc code with no pool, so no setting applies. */
  static Contender contender() {
    return new Contender(
        Contenders.NAIVE, "HttpURLConnection+disconnect", setup -> new NaiveUrlConnectionClient());
  }

  @Override
  public int get(URI uri) throws IOException {
    HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
    try {
      c.setConnectTimeout((int) ClientSetup.CONNECT_TIMEOUT.toMillis());
      c.setReadTimeout((int) ClientSetup.RESPONSE_TIMEOUT.toMillis());
      int status = c.getResponseCode();
      InputStream in = c.getInputStream();
      in.readNBytes(c.getContentLength()); // the body, as ad-hoc code reads it: never to EOF
      return status;
    } finally {
      c.disconnect(); // the stream is still open, so this closes the socket: client first
    }
  }

  @Override
  public List<String> settings() {
    return List.of(
        "new URL(..).openConnection() per request, body read by Content-Length, then"
            + " disconnect()",
        "connect timeout "
            + ClientSetup.CONNECT_TIMEOUT.toSeconds()
            + " s, read timeout "
            + ClientSetup.RESPONSE_TIMEOUT.toSeconds()
            + " s",
        "no pool: nothing to evict or close");
  }

  @Override
  public void close() {}
}
