package io.mooring.pool.ports;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Run by {@link NamespaceExhaustionIT} inside a fresh network namespace whose ephemeral range is 10
 * ports and whose tcp_tw_reuse is 0: a client that closes first connects to a loopback server until
 * the kernel refuses, then prints the {@link PortExhaustedException} the factory builds. Prints
 * {@code CONNECTED=n} and {@code MESSAGE=...} lines; exits 0 on exhaustion, 2 on another error, 3
 * if the ports never ran out.
 */
public final class NamespaceExhaustionChild {
  private NamespaceExhaustionChild() {}

  /** Entry point; {@code args[0]} is the server port (outside the ephemeral range). */
  public static void main(String[] args) throws Exception {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    InetSocketAddress remote = new InetSocketAddress(loopback, Integer.parseInt(args[0]));
    PortMonitor monitor = PortMonitor.create();
    monitor.watch(remote);
    try (ServerSocket server = new ServerSocket(remote.getPort(), 100, loopback)) {
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  for (; ; ) {
                    Socket s = server.accept();
                    try (InputStream in = s.getInputStream()) {
                      while (in.read() >= 0) {
                        // drain until the client's FIN
                      }
                    }
                    s.close();
                  }
                } catch (IOException closed) {
                  // server closed
                }
              },
              "server");
      acceptor.setDaemon(true);
      acceptor.start();
      for (int i = 0; i < 100; i++) {
        Socket c = new Socket();
        try {
          c.connect(remote, 5000);
        } catch (IOException e) {
          c.close();
          System.out.println("CONNECTED=" + i);
          System.out.println("CAUSE=" + e);
          if (!PortExhaustion.isAddressNotAvailable(e)) {
            e.printStackTrace(System.out);
            System.exit(2);
          }
          PortExhaustedException ex = PortExhaustion.exception(remote, monitor, e);
          System.out.println("SOCKETS=" + ex.sockets());
          System.out.println("TIME_WAIT=" + ex.timeWait());
          System.out.println("MESSAGE=" + ex.getMessage().replace('\n', ' '));
          System.exit(0);
        }
        c.close(); // the client closes first: its port goes to TIME_WAIT for 60 s
        Thread.sleep(20); // let the server close its side so the client is in TIME_WAIT
      }
      System.out.println("CONNECTED=100");
      System.exit(3);
    }
  }
}
