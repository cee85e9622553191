package io.mooring.pool.ports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A real EADDRNOTAVAIL from the kernel: binding a socket to 192.0.2.1 (TEST-NET-1, an address this
 * machine does not have) fails locally with the same errno a connect gets when ports run out. No
 * packet is sent: nothing is ever connected.
 */
class PortExhaustionIT {
  private static final InetSocketAddress NOT_LOCAL = new InetSocketAddress(testNet(), 0);

  private static InetAddress testNet() {
    try {
      return InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 1});
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static void assumeStrictBind() throws Exception {
    Path nonLocal = Path.of("/proc/sys/net/ipv4/ip_nonlocal_bind");
    boolean allowed = Files.isReadable(nonLocal) && Files.readString(nonLocal).trim().equals("1");
    if (allowed) {
      System.out.println("PortExhaustionIT skipped: ip_nonlocal_bind=1 lets the bind succeed");
    }
    Assumptions.assumeFalse(allowed, "ip_nonlocal_bind=1");
  }

  @Test
  void classicSocketBindErrorIsRecognised() throws Exception {
    assumeStrictBind();
    Throwable e;
    try (Socket s = new Socket()) {
      e = catchThrowable(() -> s.bind(NOT_LOCAL));
    }
    System.out.println("real EADDRNOTAVAIL (java.net.Socket): " + e);
    assertThat(e).isInstanceOf(BindException.class);
    assertThat(PortExhaustion.isAddressNotAvailable(e)).isTrue();
  }

  @Test
  void nioBindErrorIsRecognisedAndExplained() throws Exception {
    assumeStrictBind();
    Throwable e;
    try (SocketChannel ch = SocketChannel.open()) {
      e = catchThrowable(() -> ch.bind(NOT_LOCAL));
    }
    System.out.println("real EADDRNOTAVAIL (SocketChannel): " + e);
    assertThat(PortExhaustion.isAddressNotAvailable(e)).isTrue();
    InetSocketAddress remote =
        new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 9);
    PortExhaustedException ex = PortExhaustion.exception(remote, PortMonitor.create(), e);
    assertThat(ex).hasCause(e);
    assertThat(ex.getMessage()).contains("127.0.0.1:9").contains("ip_local_port_range");
  }
}
