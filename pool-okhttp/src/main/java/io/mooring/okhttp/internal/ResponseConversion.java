package io.mooring.okhttp.internal;

import java.io.IOException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSession;
import okhttp3.Handshake;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Okio;

/**
 * Turns the client's {@link HttpResponse} into OkHttp's {@link Response}. Stateless and thread
 * safe.
 */
final class ResponseConversion {
  private ResponseConversion() {}

  /**
   * The response to {@code sent} (the request as the last interceptor passed it on), with {@code
   * body} as its streaming body and the redirects the client followed as prior responses.
   */
  static Response toResponse(
      Request sent,
      HttpRequest sentHttp,
      HttpResponse<?> response,
      CallBodyStream body,
      long sentAtMillis,
      long receivedAtMillis) {
    Headers headers = headersOf(response.headers());
    String type = headers.get("Content-Type");
    ResponseBody responseBody =
        new StreamingResponseBody(
            type == null ? null : MediaType.parse(type),
            contentLength(headers),
            Okio.buffer(Okio.source(body)));
    Response.Builder b =
        head(requestOf(sent, sentHttp, response.request()), response, headers)
            .body(responseBody)
            .sentRequestAtMillis(sentAtMillis)
            .receivedResponseAtMillis(receivedAtMillis);
    response.previousResponse().ifPresent(p -> b.priorResponse(prior(sent, sentHttp, p)));
    return b.build();
  }

  /** A redirect the client followed: no body, as OkHttp's prior responses. */
  private static Response prior(Request sent, HttpRequest sentHttp, HttpResponse<?> response) {
    Response.Builder b = head(requestOf(sent, sentHttp, response.request()), response, null);
    response.previousResponse().ifPresent(p -> b.priorResponse(prior(sent, sentHttp, p)));
    return b.build();
  }

  private static Response.Builder head(Request request, HttpResponse<?> response, Headers headers) {
    Response.Builder b =
        new Response.Builder()
            .request(request)
            .protocol(Protocol.HTTP_1_1)
            .code(response.statusCode())
            // java.net.http has no reason phrase; OkHttp gives "" for HTTP/2 responses too.
            .message("")
            .headers(headers != null ? headers : headersOf(response.headers()));
    response.sslSession().ifPresent(s -> handshake(s, b));
    return b;
  }

  private static void handshake(SSLSession session, Response.Builder b) {
    try {
      b.handshake(Handshake.get(session));
    } catch (IOException e) {
      // OkHttp refuses sessions with a null cipher suite; such a response simply has no handshake.
    }
  }

  /**
   * The OkHttp request a response answers: {@code sent} itself, or for a redirect the client
   * followed, {@code sent} moved to the new URL (and turned into a GET when the client did so).
   */
  private static Request requestOf(Request sent, HttpRequest sentHttp, HttpRequest answered) {
    if (answered == sentHttp) {
      return sent;
    }
    Request.Builder b = sent.newBuilder().url(HttpUrl.get(answered.uri().toString()));
    if (!answered.method().equals(sent.method())) {
      b.method(answered.method(), null);
    }
    return b.build();
  }

  private static Headers headersOf(HttpHeaders headers) {
    Headers.Builder b = new Headers.Builder();
    for (Map.Entry<String, List<String>> e : headers.map().entrySet()) {
      for (String v : e.getValue()) {
        // Servers send obs-text now and then; OkHttp's own parser accepts it too.
        b.addUnsafeNonAscii(e.getKey(), v);
      }
    }
    return b.build();
  }

  private static long contentLength(Headers headers) {
    String v = headers.get("Content-Length");
    if (v == null) {
      return -1;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
