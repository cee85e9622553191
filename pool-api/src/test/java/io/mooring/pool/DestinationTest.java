package io.mooring.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DestinationTest {

  @Test
  void normalisesCaseAndFormatsAuthority() {
    Destination d = Destination.of("HTTPS", "Example.COM", 443);
    assertThat(d).isEqualTo(Destination.of("https", "example.com", 443));
    assertThat(d.isSecure()).isTrue();
    assertThat(d.authority()).isEqualTo("example.com:443");
    assertThat(d).hasToString("https://example.com:443");
    assertThat(Destination.of("http", "::1", 8080).authority()).isEqualTo("[::1]:8080");
    assertThat(Destination.of("http", "h", 80).isSecure()).isFalse();
  }

  @Test
  void rejectsBadPartsNamingThem() {
    assertThatThrownBy(() -> Destination.of("http", "h", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("destination port 0 for host h is out of range 1..65535");
    assertThatThrownBy(() -> Destination.of("ht tp", "h", 80))
        .hasMessage(
            "destination scheme 'ht tp' is invalid: expected letters, digits, '+', '-', '.'");
    assertThatThrownBy(() -> Destination.of("http", "a/b", 80))
        .hasMessage("destination host 'a/b' is invalid: expected a DNS name or an IP literal");
    assertThatThrownBy(() -> Destination.of("http", "", 80))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Destination.of(null, "h", 80))
        .isInstanceOf(NullPointerException.class);
  }
}
