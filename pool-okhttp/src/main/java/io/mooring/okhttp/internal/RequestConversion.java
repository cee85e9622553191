package io.mooring.okhttp.internal;

import java.io.IOException;
import java.net.ProtocolException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executor;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okio.Buffer;

/**
 * Turns an OkHttp {@link Request} into the {@link HttpRequest} the Mooring client sends. Stateless
 * and thread safe.
 */
final class RequestConversion {
  /**
   * Bodies of known length up to this size are written into memory first, so the client can send
   * them again when a pooled connection turns out stale (it replays only byte-array bodies); larger
   * ones are streamed, holding a few chunks at a time.
   */
  static final long BUFFERED_BODY_LIMIT = 64 * 1024;

  /**
   * Headers the client writes itself from the body and the connection's state, as OkHttp's bridge
   * does: a caller's value would be overridden there too.
   */
  private static final Set<String> CLIENT_OWNED =
      Set.of("connection", "content-length", "transfer-encoding", "expect", "keep-alive");

  private RequestConversion() {}

  /**
   * The request for the client. A body of known length up to {@link #BUFFERED_BODY_LIMIT} is
   * written here, on the calling thread; any other body is written on {@code executor} while it is
   * sent.
   *
   * @throws ProtocolException for a duplex body (HTTP/2 only) or a body whose {@code writeTo} wrote
   *     another length than its {@code contentLength()}
   * @throws IllegalArgumentException for a {@code Host} header naming another authority than the
   *     URL, or an {@code Upgrade} header
   */
  static HttpRequest toHttpRequest(Request request, Executor executor) throws IOException {
    URI uri = request.url().uri();
    HttpRequest.Builder b = HttpRequest.newBuilder(uri);
    Headers headers = request.headers();
    for (int i = 0, n = headers.size(); i < n; i++) {
      String name = headers.name(i);
      String lower = name.toLowerCase(Locale.ROOT);
      if (CLIENT_OWNED.contains(lower)) {
        continue;
      }
      if (lower.equals("host")) {
        checkHost(headers.value(i), request);
        continue;
      }
      if (lower.equals("upgrade")) {
        throw new IllegalArgumentException(
            "Upgrade: "
                + headers.value(i)
                + " cannot be sent by MooringCallFactory (HTTP/1.1 requests only): "
                + request.url());
      }
      b.header(name, headers.value(i));
    }
    RequestBody body = request.body();
    if (body != null && request.header("Content-Type") == null) {
      MediaType type = body.contentType();
      if (type != null) {
        b.header("Content-Type", type.toString());
      }
    }
    return b.method(request.method(), publisher(body, request, executor)).build();
  }

  private static BodyPublisher publisher(RequestBody body, Request request, Executor executor)
      throws IOException {
    if (body == null) {
      return BodyPublishers.noBody();
    }
    if (body.isDuplex()) {
      throw new ProtocolException(
          "duplex request bodies need HTTP/2; MooringHttpClient speaks HTTP/1.1: "
              + request.method()
              + " "
              + request.url());
    }
    long length = body.contentLength();
    if (length == 0) {
      return BodyPublishers.noBody();
    }
    if (length > 0 && length <= BUFFERED_BODY_LIMIT && !body.isOneShot()) {
      Buffer buffer = new Buffer();
      body.writeTo(buffer);
      if (buffer.size() != length) {
        throw new ProtocolException(
            "expected " + length + " bytes but received " + buffer.size() + " from " + body);
      }
      return BodyPublishers.ofByteArray(buffer.readByteArray());
    }
    return new StreamedBodyPublisher(body, length, executor);
  }

  private static void checkHost(String host, Request request) {
    String expected = request.url().host();
    if (expected.indexOf(':') >= 0) {
      expected = "[" + expected + "]";
    }
    int port = request.url().port();
    String withPort = expected + ":" + port;
    if (host.equalsIgnoreCase(expected) || host.equalsIgnoreCase(withPort)) {
      return; // the client writes the same Host itself
    }
    throw new IllegalArgumentException(
        "Host: "
            + host
            + " differs from the URL's authority "
            + withPort
            + " ("
            + request.url()
            + "); MooringCallFactory always sends the URL's");
  }
}
