package io.mooring.benchmarks.demo;

import java.io.IOException;
import java.net.URI;
import java.util.List;

/**
 * One client as the demonstration drives it: a GET whose body is read to the end, and the close its
 * library offers. Thread safe; {@link #close()} may be called more than once.
 */
interface DemoClient extends AutoCloseable {

  /** Sends a GET, reads the whole body and returns the status code. */
  int get(URI uri) throws IOException, InterruptedException;

  /** The settings this client runs with, one per line, saying where they differ from defaults. */
  List<String> settings();

  /** Closes the client and its connections the way its library offers (if it offers one). */
  @Override
  void close();
}
