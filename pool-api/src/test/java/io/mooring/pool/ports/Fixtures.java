package io.mooring.pool.ports;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Locates the fixture roots under {@code src/test/resources/ports}. */
final class Fixtures {
  private Fixtures() {}

  /** The root directory of fixture {@code name}, holding {@code proc/...}. */
  static Path root(String name) {
    URL url = Fixtures.class.getResource("/ports/" + name + "/proc/net/tcp");
    if (url == null) {
      throw new IllegalStateException("no fixture " + name);
    }
    try {
      return Path.of(url.toURI()).getParent().getParent().getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
