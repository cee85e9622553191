package io.mooring.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mooring.http.testing.AnyRequest;
import io.mooring.http.testing.EachIoMode;
import io.mooring.http.testing.FineServerAndClient;
import io.mooring.pool.testing.SocketTable;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A caller cannot frame the message or manage the connection: a request carrying {@code
 * Transfer-Encoding} (which the JDK's builder accepts) or any other header the client writes itself
 * is refused with an {@link IllegalArgumentException} naming the header, before a connection is
 * even opened, so no byte of a smuggled request reaches the server.
 */
@EachIoMode
class RequestFramingIT {
  @RegisterExtension final FineServerAndClient wire;

  RequestFramingIT(IoMode io) {
    wire = new FineServerAndClient(io);
  }

  @Test
  void transferEncodingFromTheJdkBuilderIsRefusedBeforeAnyByteIsSent() {
    HttpRequest smuggle =
        HttpRequest.newBuilder(wire.server().uri("/upload"))
            .header("Transfer-Encoding", "chunked")
            .POST(BodyPublishers.ofString("0\r\n\r\nGET /admin HTTP/1.1\r\nHost: x\r\n\r\n"))
            .build();
    assertThatThrownBy(() -> wire.client().send(smuggle, BodyHandlers.ofString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("restricted header name: \"Transfer-Encoding\"")
        .hasMessageContaining(wire.server().uri("/upload").toString());
    assertThatThrownBy(() -> wire.client().sendAsync(smuggle, BodyHandlers.ofString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Transfer-Encoding");
    assertNothingReachedTheServer();
  }

  @Test
  void everyHeaderTheClientOwnsIsRefusedBeforeAnyByteIsSent() {
    for (String name :
        List.of("transfer-encoding", "Content-Length", "Connection", "Upgrade", "Host", "Expect")) {
      HttpRequest r =
          new AnyRequest(
              "POST",
              wire.server().uri("/x"),
              Map.of(name, List.of("chunked")),
              BodyPublishers.ofString("x"));
      assertThatThrownBy(() -> wire.client().send(r, BodyHandlers.ofString()))
          .as(name)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("restricted header name: \"" + name + "\"");
    }
    assertNothingReachedTheServer();
  }

  @Test
  void allowedHeadersStillGoOut() throws Exception {
    HttpRequest ok =
        HttpRequest.newBuilder(wire.server().uri("/ok"))
            .header("TE", "trailers")
            .POST(BodyPublishers.ofString("body"))
            .build();
    assertThat(wire.client().send(ok, BodyHandlers.ofString()).body()).isEqualTo("fine");
    assertThat(wire.server().requests()).hasSize(1);
    assertThat(wire.server().requests().get(0))
        .containsIgnoringCase("te: trailers")
        .containsIgnoringCase("content-length: 4")
        .doesNotContainIgnoringCase("transfer-encoding");
  }

  private void assertNothingReachedTheServer() {
    assertThat(wire.server().connections()).isZero();
    assertThat(wire.server().requests()).isEmpty();
    assertThat(SocketTable.clientSocketsAnyState(wire.server().port())).isZero();
  }
}
