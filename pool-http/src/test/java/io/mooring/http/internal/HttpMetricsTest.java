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
}
