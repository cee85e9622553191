package io.mooring.benchmarks.demo;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;

/**
 * The anti-pattern: {@link HttpURLConnection} read by length and then {@code disconnect()}ed before
 * its stream is closed, as ad-hoc code often does. {@code disconnect()} then closes the socket
 * client first, which leaves one client TIME_WAIT per request.
 */
final class NaiveUrlConnectionClient implements DemoClient {

  @Override
  public String name() {
    return "HttpURLConnection+disconnect";
  }

  @Override
  public int get(URI uri) throws IOException {
    HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
    try {
      c.setConnectTimeout(5_000);
      c.setReadTimeout(5_000);
      int status = c.getResponseCode();
      InputStream in = c.getInputStream();
      in.readNBytes(c.getContentLength()); // the body, as ad-hoc code reads it: never to EOF
      return status;
    } finally {
      c.disconnect(); // the stream is still open, so this closes the socket: client first
    }
  }

  @Override
  public void close() {}
}
