package io.mooring.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class RequestValidatorTest {
  @Test
  void headerValuesWithControlCharactersAreNamed() {
    assertThatThrownBy(() -> RequestValidator.validateHeaderValue("X-A", "a\r\nb"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "invalid character CR (\\r) at index 1 in value of header \"X-A\": \"a\\r\\nb\"");
    assertThatThrownBy(() -> RequestValidator.validateHeaderValue("X-A", "a\u0000"))
        .hasMessageContaining("U+0000");
    assertThatCode(() -> RequestValidator.validateHeaderValue("X-A", "tab\tok é"))
        .doesNotThrowAnyException();
  }

  @Test
  void headerNamesMustBeTokens() {
    assertThatThrownBy(() -> RequestValidator.validateHeaderName("X:A"))
        .hasMessageContaining("U+003A at index 1 in header name \"X:A\"");
    assertThatThrownBy(() -> RequestValidator.validateHeaderName(""))
        .hasMessage("empty header name");
    assertThatCode(() -> RequestValidator.validateHeaderName("X-Request-Id"))
        .doesNotThrowAnyException();
  }

  @Test
  void urisMustBeHttpWithAHost() {
    assertThatThrownBy(() -> RequestValidator.validateUri(URI.create("ws://h/")))
        .hasMessageContaining("unsupported URI scheme \"ws\"");
    assertThatThrownBy(() -> RequestValidator.validateUri(URI.create("/relative")))
        .hasMessageContaining("unsupported URI scheme \"null\"");
    assertThatThrownBy(() -> RequestValidator.validateUri(URI.create("http://user:pw@h/")))
        .hasMessageContaining("user info");
    assertThatCode(() -> RequestValidator.validateUri(URI.create("HTTPS://h:8443/x?y")))
        .doesNotThrowAnyException();
  }

  @Test
  void methodsMustBeTokens() {
    assertThatThrownBy(() -> RequestValidator.validateMethod("G ET"))
        .hasMessage("invalid HTTP method \"G ET\"");
    assertThatCode(() -> RequestValidator.validateMethod("PATCH")).doesNotThrowAnyException();
  }

  @Test
  void framingHeadersStayRestrictedWhateverTheJdkPropertyLifts() {
    assertThat(RequestValidator.restricted(null))
        .containsExactlyInAnyOrder(
            "connection", "content-length", "expect", "host", "transfer-encoding", "upgrade");
    assertThat(RequestValidator.restricted(" Host,expect,content-length,Transfer-Encoding"))
        .containsExactlyInAnyOrder("connection", "content-length", "transfer-encoding", "upgrade");
  }
}
