package io.mooring.benchmarks.demo;

import java.io.IOException;
import java.net.URI;

/** One way of sending a GET, as the demonstration compares them. Must be thread safe. */
interface DemoClient extends AutoCloseable {

  /** A short name for tables and charts. */
  String name();

  /** Sends a GET, reads the whole body and returns the status code. */
  int get(URI uri) throws IOException, InterruptedException;

  @Override
  void close();
}
