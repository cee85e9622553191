package io.mooring.benchmarks.http;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.OptionalLong;

/** A loopback HTTP server the clients are measured against; one fresh instance per run. */
interface TargetServer extends AutoCloseable {
  /** The address the clients connect to. */
  InetSocketAddress address();

  /** The URI the clients GET. */
  default URI uri() {
    return URI.create("http://127.0.0.1:" + address().getPort() + "/");
  }

  /** Connections the server accepted on {@link #address()} so far, if it can tell. */
  OptionalLong accepted();

  @Override
  void close();

  /** Starts a server of one kind. */
  @FunctionalInterface
  interface Starter {
    /** A new server on a free loopback port. */
    TargetServer start() throws Exception;
  }
}
