package io.mooring.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mooring.http.testing.JdkServer;
import io.mooring.http.testing.JdkUrls;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.net.URLConnection;
import org.junit.jupiter.api.Test;

/** The JVM-wide factory: plain {@code new URL(..).openConnection()} runs on the pool. */
class UrlFactoryIT {
  /** Installed once per JVM, so its client lives as long as the JVM. */
  private static final MooringHttpClient CLIENT = MooringHttpClient.newHttpClient();

  @Test
  void installedFactoryServesHttpAndLeavesOtherProtocolsAlone() throws Exception {
    JdkUrls.capture(); // for tests comparing with the JDK's own handler in this JVM
    MooringUrlStreamHandlerFactory.install(CLIENT);
    assertThatThrownBy(() -> MooringUrlStreamHandlerFactory.install(CLIENT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already installed");
    try (JdkServer server = new JdkServer()) {
      URLConnection c = new URL(server.uri("/hello").toString()).openConnection();
      assertThat(c).isInstanceOf(HttpURLConnection.class);
      assertThat(c.getClass().getName()).contains("Pooled");
      try (InputStream in = c.getInputStream()) {
        assertThat(in.readAllBytes()).asString().isEqualTo("hello");
      }
      assertThat(CLIENT.stats(server.uri("/")).idle()).isEqualTo(1);
    }
    URLConnection file = new URL("file:///").openConnection();
    assertThat(file.getClass().getName()).doesNotContain("Pooled");
  }
}
