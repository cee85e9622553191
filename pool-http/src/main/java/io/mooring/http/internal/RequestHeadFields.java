package io.mooring.http.internal;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The header fields of a request as they go on the wire, in their order, for both the event-loop
 * path (into Netty's headers) and the caller-thread path (into bytes): the computed {@code host},
 * the caller's headers, the client's extra headers (cookies, authorization) replacing the caller's
 * of the same name, a default {@code user-agent}, {@code connection: close} on a connection's last
 * use, and the body's framing. A field the client sets replaces every earlier one of that name and
 * comes after the others, as Netty's {@code set} does; names are case-insensitive. Stateless and
 * thread safe.
 */
final class RequestHeadFields {
  static final String HOST = "host";
  static final String USER_AGENT = "user-agent";
  static final String CONNECTION = "connection";
  static final String CONTENT_LENGTH = "content-length";
  static final String TRANSFER_ENCODING = "transfer-encoding";

  private RequestHeadFields() {}

  /**
   * Gives {@code sink} every header field of {@code request}, each value of a repeated field in its
   * own call. {@code bodyLength} is the body publisher's {@code contentLength()} (-1: unknown,
   * chunked), 0 when the request has no publisher; whether it has one is read from {@code request}
   * (an empty body of a method that usually has one is framed with {@code content-length: 0}).
   */
  static void forEach(
      HttpRequest request,
      Map<String, String> extraHeaders,
      boolean lastUse,
      long bodyLength,
      BiConsumer<String, String> sink) {
    String framing = framing(request, bodyLength);
    if (!(RequestValidator.CALLER_HOST && request.headers().firstValue(HOST).isPresent())
        && !containsName(extraHeaders, HOST)) {
      sink.accept(HOST, hostHeader(request.uri()));
    }
    for (Map.Entry<String, List<String>> e : request.headers().map().entrySet()) {
      String name = e.getKey();
      if (!containsName(extraHeaders, name) && !setByClient(name, lastUse, framing)) {
        for (String v : e.getValue()) {
          sink.accept(name, v);
        }
      }
    }
    int i = 0;
    for (Map.Entry<String, String> e : extraHeaders.entrySet()) {
      String name = e.getKey();
      if (!setByClient(name, lastUse, framing) && !repeatedAfter(extraHeaders, name, i)) {
        sink.accept(name, e.getValue());
      }
      i++;
    }
    if (request.headers().firstValue(USER_AGENT).isEmpty()
        && !containsName(extraHeaders, USER_AGENT)) {
      sink.accept(USER_AGENT, UserAgent.DEFAULT);
    }
    if (lastUse) {
      sink.accept(CONNECTION, "close");
    }
    if (CONTENT_LENGTH.equals(framing)) {
      sink.accept(CONTENT_LENGTH, Long.toString(bodyLength));
    } else if (TRANSFER_ENCODING.equals(framing)) {
      sink.accept(TRANSFER_ENCODING, "chunked");
    }
  }

  /**
   * The field that frames the body, or null when there is none: a method that usually carries a
   * body says {@code content-length: 0} for an empty one; GET and the like say nothing.
   */
  private static String framing(HttpRequest request, long bodyLength) {
    if (bodyLength < 0) {
      return TRANSFER_ENCODING;
    }
    if (bodyLength > 0
        || (request.bodyPublisher().isPresent() && !isBodilessMethod(request.method()))) {
      return CONTENT_LENGTH;
    }
    return null;
  }

  /** Whether {@code name} is a field the client sets after the others (so it replaces them). */
  private static boolean setByClient(String name, boolean lastUse, String framing) {
    return (lastUse && name.equalsIgnoreCase(CONNECTION))
        || (framing != null && name.equalsIgnoreCase(framing));
  }

  private static boolean containsName(Map<String, String> headers, String name) {
    for (String n : headers.keySet()) {
      if (n.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  /** Whether an entry after the {@code index}th of {@code headers} has {@code name}. */
  private static boolean repeatedAfter(Map<String, String> headers, String name, int index) {
    int i = 0;
    for (String n : headers.keySet()) {
      if (i++ > index && n.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isBodilessMethod(String method) {
    return method.equals("GET")
        || method.equals("HEAD")
        || method.equals("DELETE")
        || method.equals("OPTIONS")
        || method.equals("TRACE");
  }

  /** The request target of {@code uri} in origin form: its raw path (at least "/") and query. */
  static String target(URI uri) {
    String path = uri.getRawPath();
    if (path == null || path.isEmpty()) {
      path = "/";
    }
    String q = uri.getRawQuery();
    return q == null ? path : path + "?" + q;
  }

  /** The {@code host} field for {@code uri}: its host, and its port unless the scheme's default. */
  static String hostHeader(URI uri) {
    String host = uri.getHost();
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    int port = uri.getPort();
    boolean https = "https".equalsIgnoreCase(uri.getScheme());
    if (port < 0 || (https && port == 443) || (!https && port == 80)) {
      return host;
    }
    return host + ":" + port;
  }
}
