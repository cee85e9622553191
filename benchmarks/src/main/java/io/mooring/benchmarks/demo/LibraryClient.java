package io.mooring.benchmarks.demo;

import java.util.List;

/**
 * A {@link DemoClient} whose settings are fixed when it is made and whose close is one call its
 * library offers. Subclasses implement only {@link #get}. Thread safe as the library's client is.
 */
abstract class LibraryClient implements DemoClient {
  private final String name;
  private final AutoCloseable closer;
  private final List<String> settings;

  /**
   * @param name the client as a failed close names it
   * @param closer closes the library's client and its connections
   * @param settings see {@link DemoClient#settings()}
   */
  LibraryClient(String name, AutoCloseable closer, List<String> settings) {
    this.name = name;
    this.closer = closer;
    this.settings = settings;
  }

  @Override
  public final List<String> settings() {
    return settings;
  }

  @Override
  public final void close() {
    try {
      closer.close();
    } catch (Exception e) {
      throw new IllegalStateException("closing " + name + " failed", e);
    }
  }
}
