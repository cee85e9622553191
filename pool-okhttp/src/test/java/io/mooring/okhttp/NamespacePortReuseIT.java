package io.mooring.okhttp;

import io.mooring.http.IoMode;
import io.mooring.http.testing.EachIoMode;
import io.mooring.pool.testing.NamespacePortReuseContract;

/**
 * A Retrofit interface on {@link MooringCallFactory} through 500 ports, once per {@link IoMode}: in
 * a new network namespace ({@code unshare -Urn}) whose ephemeral range is 500 ports and whose
 * {@code tcp_tw_reuse} is off, 2,000 GETs to a server that closes the connection after every
 * request ({@code Connection: close}), 2,000 connections in all. Mooring waits for the server's
 * FIN, so no client port is held in TIME_WAIT and 500 ports serve every connection ({@link
 * OkHttpPortReuseIT}: OkHttp's own client, against the same server, does not). Skipped, saying why,
 * where a namespace cannot be made.
 */
@EachIoMode
class NamespacePortReuseIT extends NamespacePortReuseContract {
  NamespacePortReuseIT(IoMode io) {
    super(NamespacePortReuseChild.class, "1", io.name());
  }
}
