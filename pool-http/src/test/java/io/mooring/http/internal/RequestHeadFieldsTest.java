package io.mooring.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestHeadFieldsTest {
  private static final URI U = URI.create("http://h:8080/p?q=1");
  private static final String UA = "user-agent: " + UserAgent.DEFAULT;

  private static List<String> fields(
      HttpRequest request, Map<String, String> extra, boolean lastUse) {
    long length = request.bodyPublisher().map(HttpRequest.BodyPublisher::contentLength).orElse(0L);
    List<String> out = new ArrayList<>();
    RequestHeadFields.forEach(request, extra, lastUse, length, (n, v) -> out.add(n + ": " + v));
    return out;
  }

  @Test
  void aPlainGetHasHostAndTheDefaultUserAgent() {
    HttpRequest get = HttpRequest.newBuilder(U).GET().build();
    assertThat(fields(get, Map.of(), false)).containsExactly("host: h:8080", UA);
  }

  @Test
  void theCallersHeadersComeInOrderWithEveryValue() {
    HttpRequest get =
        HttpRequest.newBuilder(U)
            .header("Accept", "a/b")
            .header("X-Many", "1")
            .header("X-Many", "2")
            .header("User-Agent", "mine")
            .build();
    assertThat(fields(get, Map.of(), false))
        .containsExactly(
            "host: h:8080", "Accept: a/b", "User-Agent: mine", "X-Many: 1", "X-Many: 2");
  }

  @Test
  void extraHeadersReplaceTheCallersOfTheSameNameAndComeAfterThem() {
    HttpRequest get =
        HttpRequest.newBuilder(U).header("cookie", "caller=1").header("Accept", "x").build();
    Map<String, String> extra = new LinkedHashMap<>();
    extra.put("Cookie", "jar=2");
    extra.put("Authorization", "Basic eA==");
    assertThat(fields(get, extra, false))
        .containsExactly(
            "host: h:8080", "Accept: x", "Cookie: jar=2", "Authorization: Basic eA==", UA);
  }

  @Test
  void anExtraUserAgentReplacesTheDefault() {
    HttpRequest get = HttpRequest.newBuilder(U).build();
    assertThat(fields(get, Map.of("User-Agent", "extra"), false))
        .containsExactly("host: h:8080", "User-Agent: extra");
  }

  @Test
  void theLastUseSaysConnectionClose() {
    HttpRequest get = HttpRequest.newBuilder(U).build();
    assertThat(fields(get, Map.of(), true))
        .containsExactly("host: h:8080", UA, "connection: close");
  }

  @Test
  void theBodyIsFramedByItsLength() {
    HttpRequest post = HttpRequest.newBuilder(U).POST(BodyPublishers.ofString("abc")).build();
    assertThat(fields(post, Map.of(), true))
        .containsExactly("host: h:8080", UA, "connection: close", "content-length: 3");

    HttpRequest streamed =
        HttpRequest.newBuilder(U)
            .PUT(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[1])))
            .build();
    assertThat(fields(streamed, Map.of(), false))
        .containsExactly("host: h:8080", UA, "transfer-encoding: chunked");
  }

  @Test
  void anEmptyBodySaysContentLengthZeroOnlyWhereTheMethodUsuallyHasOne() {
    HttpRequest post = HttpRequest.newBuilder(U).POST(BodyPublishers.noBody()).build();
    assertThat(fields(post, Map.of(), false))
        .containsExactly("host: h:8080", UA, "content-length: 0");
    for (String method : List.of("GET", "HEAD", "DELETE", "OPTIONS", "TRACE")) {
      HttpRequest r = HttpRequest.newBuilder(U).method(method, BodyPublishers.noBody()).build();
      assertThat(fields(r, Map.of(), false)).as(method).containsExactly("host: h:8080", UA);
    }
  }

  @Test
  void theDefaultPortIsLeftOutOfHost() {
    HttpRequest get = HttpRequest.newBuilder(URI.create("https://h:443/")).build();
    assertThat(fields(get, Map.of(), false)).first().isEqualTo("host: h");
  }

  @Test
  void nettyHeadersFilledByAddHoldTheSameFieldsInTheSameOrder() {
    HttpRequest post =
        HttpRequest.newBuilder(U)
            .header("Cookie", "a")
            .header("X-A", "1")
            .POST(BodyPublishers.ofString("abc"))
            .build();
    DefaultHttpHeaders netty = new DefaultHttpHeaders();
    RequestHeadFields.forEach(post, Map.of("cookie", "b"), true, 3, netty::add);
    List<String> got = new ArrayList<>();
    netty.forEach(e -> got.add(e.getKey() + ": " + e.getValue()));
    assertThat(got).isEqualTo(fields(post, Map.of("cookie", "b"), true));
  }

  @Test
  void targetAndHostHeader() {
    assertThat(RequestHeadFields.target(URI.create("http://h"))).isEqualTo("/");
    assertThat(RequestHeadFields.target(URI.create("http://h/a%20b?q=1&r")))
        .isEqualTo("/a%20b?q=1&r");
    assertThat(RequestHeadFields.hostHeader(URI.create("http://h:80/"))).isEqualTo("h");
    assertThat(RequestHeadFields.hostHeader(URI.create("https://h:8443/"))).isEqualTo("h:8443");
    assertThat(RequestHeadFields.hostHeader(URI.create("http://[::1]:8080/")))
        .isEqualTo("[::1]:8080");
  }
}
