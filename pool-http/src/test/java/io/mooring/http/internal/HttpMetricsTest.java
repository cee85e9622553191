package io.mooring.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HttpMetricsTest {
  @Test
  void outcomesFollowMicrometer() {
    assertThat(HttpMetrics.outcome(101)).isEqualTo("INFORMATIONAL");
    assertThat(HttpMetrics.outcome(204)).isEqualTo("SUCCESS");
    assertThat(HttpMetrics.outcome(308)).isEqualTo("REDIRECTION");
    assertThat(HttpMetrics.outcome(429)).isEqualTo("CLIENT_ERROR");
    assertThat(HttpMetrics.outcome(599)).isEqualTo("SERVER_ERROR");
    assertThat(HttpMetrics.outcome(-1)).isEqualTo("UNKNOWN");
  }

  @Test
  void targetAndHostHeader() {
    assertThat(RequestHeadFields.target(java.net.URI.create("http://h"))).isEqualTo("/");
    assertThat(RequestHeadFields.target(java.net.URI.create("http://h/a%20b?q=1&r")))
        .isEqualTo("/a%20b?q=1&r");
    assertThat(RequestHeadFields.hostHeader(java.net.URI.create("http://h:80/"))).isEqualTo("h");
    assertThat(RequestHeadFields.hostHeader(java.net.URI.create("https://h:8443/")))
        .isEqualTo("h:8443");
    assertThat(RequestHeadFields.hostHeader(java.net.URI.create("http://[::1]:8080/")))
        .isEqualTo("[::1]:8080");
  }
}
