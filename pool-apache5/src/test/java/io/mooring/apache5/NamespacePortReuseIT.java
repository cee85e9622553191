package io.mooring.apache5;

import io.mooring.pool.testing.NamespacePortReuseContract;

/**
 * Apache's classic client on {@link MooringConnectionManager} through 500 ports: in a new network
 * namespace ({@code unshare -Urn}) whose ephemeral range is 500 ports and whose {@code
 * tcp_tw_reuse} is off, 2,000 GETs to a server that closes the connection after every request
 * ({@code Connection: close}), 2,000 connections in all. The server closes first, so no client port
 * is held in TIME_WAIT and 500 ports serve every connection. (Apache's own pool passes this too: it
 * resets the connections it will not reuse, which leaves no TIME_WAIT on either side.) Skipped,
 * saying why, where a namespace cannot be made.
 */
class NamespacePortReuseIT extends NamespacePortReuseContract {
  NamespacePortReuseIT() {
    super(NamespacePortReuseChild.class);
  }
}
