package io.mooring.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.mooring.http.testing.EachIoMode;
import io.mooring.http.testing.FineServerAndClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Mooring names itself on the wire as other clients do: a request without a {@code User-Agent} goes
 * out with {@code User-Agent: Mooring/<version>}, the version being the pool-http jar's {@code
 * Implementation-Version}; a caller's own {@code User-Agent} goes out alone, unchanged.
 */
@EachIoMode
class UserAgentIT {
  @RegisterExtension final FineServerAndClient wire;

  UserAgentIT(IoMode io) {
    wire = new FineServerAndClient(io);
  }

  @Test
  void aRequestWithoutUserAgentSendsMooringAndTheJarsVersion() throws Exception {
    String version = manifestVersion();

    wire.client()
        .send(HttpRequest.newBuilder(wire.server().uri("/plain")).build(), BodyHandlers.ofString());

    assertThat(userAgents(wire.server().requests().get(0))).containsExactly("Mooring/" + version);
  }

  @Test
  void theCallersUserAgentWins() throws Exception {
    wire.client()
        .send(
            HttpRequest.newBuilder(wire.server().uri("/own"))
                .header("User-Agent", "billing/2.1")
                .build(),
            BodyHandlers.ofString());

    assertThat(userAgents(wire.server().requests().get(0))).containsExactly("billing/2.1");
  }

  /**
   * The Implementation-Version of the jar the client's classes came from (failsafe runs the
   * packaged jar), or "unknown" when they come from a directory, which has no manifest. Read from
   * the jar itself: the Package of a class can be defined by the test classes' directory, which
   * shares its package names.
   */
  private static String manifestVersion() throws Exception {
    Path location =
        Path.of(
            MooringHttpClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    if (Files.isDirectory(location)) {
      return "unknown";
    }
    try (JarFile jar = new JarFile(location.toFile())) {
      String v = jar.getManifest().getMainAttributes().getValue("Implementation-Version");
      assertThat(v).as("Implementation-Version in %s", location).isNotBlank();
      return v;
    }
  }

  /** The values of every User-Agent line of a raw request head, as they went out. */
  private static List<String> userAgents(String head) {
    return head.lines()
        .filter(l -> l.toLowerCase(Locale.ROOT).startsWith("user-agent:"))
        .map(l -> l.substring("user-agent:".length()).trim())
        .toList();
  }
}
