package io.mooring.http.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An {@link HttpRequest} with any method, URI and headers at all, for input the JDK's builder would
 * refuse before the client under test sees it.
 */
public final class AnyRequest extends HttpRequest {
  private final String method;
  private final URI uri;
  private final Map<String, List<String>> headers;
  private final BodyPublisher body;

  /** A request; {@code body} may be null for none. */
  public AnyRequest(String method, URI uri, Map<String, List<String>> headers, BodyPublisher body) {
    this.method = method;
    this.uri = uri;
    this.headers = headers;
    this.body = body;
  }

  @Override
  public Optional<BodyPublisher> bodyPublisher() {
    return Optional.ofNullable(body);
  }

  @Override
  public String method() {
    return method;
  }

  @Override
  public Optional<Duration> timeout() {
    return Optional.empty();
  }

  @Override
  public boolean expectContinue() {
    return false;
  }

  @Override
  public URI uri() {
    return uri;
  }

  @Override
  public Optional<HttpClient.Version> version() {
    return Optional.empty();
  }

  @Override
  public HttpHeaders headers() {
    return HttpHeaders.of(headers, (a, b) -> true);
  }
}
