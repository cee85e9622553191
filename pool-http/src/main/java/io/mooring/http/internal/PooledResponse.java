package io.mooring.http.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * A response as {@link HttpResponse}: head, body and the chain of earlier responses (redirects,
 * authentication). Immutable and thread safe as far as the body is.
 *
 * @param <T> the body type
 */
public final class PooledResponse<T> implements HttpResponse<T> {
  private final HttpRequest request;
  private final ResponseHead head;
  private final T body;
  private final HttpResponse<T> previous;

  PooledResponse(HttpRequest request, ResponseHead head, T body, HttpResponse<T> previous) {
    this.request = request;
    this.head = head;
    this.body = body;
    this.previous = previous;
  }

  /** The reason phrase of the status line, possibly empty. */
  public String reasonPhrase() {
    return head.reasonPhrase();
  }

  @Override
  public int statusCode() {
    return head.statusCode();
  }

  @Override
  public HttpRequest request() {
    return request;
  }

  @Override
  public Optional<HttpResponse<T>> previousResponse() {
    return Optional.ofNullable(previous);
  }

  @Override
  public HttpHeaders headers() {
    return head.headers();
  }

  @Override
  public T body() {
    return body;
  }

  @Override
  public Optional<SSLSession> sslSession() {
    return Optional.ofNullable(head.sslSession());
  }

  @Override
  public URI uri() {
    return request.uri();
  }

  @Override
  public HttpClient.Version version() {
    return HttpClient.Version.HTTP_1_1;
  }

  @Override
  public String toString() {
    return "(" + request.method() + " " + request.uri() + ") " + statusCode();
  }
}
