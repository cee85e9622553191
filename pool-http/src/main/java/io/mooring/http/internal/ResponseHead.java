package io.mooring.http.internal;

import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import javax.net.ssl.SSLSession;

/**
 * The status line and headers of a response, free of Netty types. Immutable and thread safe.
 *
 * @param statusCode the status code
 * @param reasonPhrase the reason phrase, possibly empty
 * @param headers the headers
 * @param sslSession the TLS session of the connection, or null for plain HTTP
 */
public record ResponseHead(
    int statusCode, String reasonPhrase, HttpHeaders headers, SSLSession sslSession)
    implements HttpResponse.ResponseInfo {

  @Override
  public HttpClient.Version version() {
    return HttpClient.Version.HTTP_1_1;
  }
}
