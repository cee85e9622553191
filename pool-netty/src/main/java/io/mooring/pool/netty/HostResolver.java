package io.mooring.pool.netty;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Resolves a destination's host name to the address a new connection goes to. {@link
 * NettyTransport} calls it on its own resolver threads ({@link NettySettings#resolverThreads()}),
 * never on an event loop, so it may block: a slow DNS server then delays only the connects that
 * wait for that name, never the event loop that notices other connections' FINs.
 *
 * <p>The default is {@link #system()}: the JDK's resolver with its cache. Host names that are IP
 * literals are never passed to a resolver. Implementations must be thread safe.
 */
@FunctionalInterface
public interface HostResolver {

  /**
   * The address to connect to for {@code host}; may block.
   *
   * @throws UnknownHostException if the name does not resolve
   */
  InetAddress resolve(String host) throws UnknownHostException;

  /** The JDK's resolver, {@link InetAddress#getByName}: the first address, through its cache. */
  static HostResolver system() {
    return InetAddress::getByName;
  }
}
