package io.mooring.pool.netty.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * A server for measurements, run in its own JVM so that its sockets do not count in the heap of the
 * JVM being measured: accepts connections on 127.0.0.1 and holds them open, unread, until its
 * standard input closes. Prints its port on the first line of standard output.
 */
public final class HoldServerMain {
  private HoldServerMain() {}

  public static void main(String[] args) throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress("127.0.0.1", 0), 8192);
    System.out.println(((InetSocketAddress) server.getLocalAddress()).getPort());
    System.out.flush();
    List<SocketChannel> held = new ArrayList<>();
    Thread acceptor =
        new Thread(
            () -> {
              try {
                while (true) {
                  SocketChannel c = server.accept();
                  c.setOption(StandardSocketOptions.SO_LINGER, 0); // leave no TIME_WAIT at exit
                  synchronized (held) {
                    held.add(c);
                  }
                }
              } catch (IOException e) {
                // closed at exit
              }
            });
    acceptor.setDaemon(true);
    acceptor.start();
    while (System.in.read() >= 0) {
      // wait for the parent to close our input
    }
    server.close();
    synchronized (held) {
      for (SocketChannel c : held) {
        c.close();
      }
    }
  }
}
