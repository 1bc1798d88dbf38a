package io.prmonitor.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on loopback in front of a server (here PostgreSQL), which a test can {@linkplain #cut() cut}
 * — every open connection reset, new ones refused — and {@linkplain #restore() restore} on the same port,
 * to make the database unreachable for a while; or {@linkplain #partition() partition}: every byte is
 * silently dropped, on open connections and on new ones (accepted, never answered), as a network partition
 * does, until {@linkplain #heal() healed} (connections opened before then stay dead, as TCP flows through a
 * partition do). Thread-safe.
 */
final class TcpProxy implements AutoCloseable {

  private final InetSocketAddress target;
  private final int port;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  /** Connections whose bytes are dropped: open during a partition, or accepted during one. */
  private final Set<Socket> dropped = ConcurrentHashMap.newKeySet();
  private volatile boolean partitioned;
  private volatile ServerSocket server;

  TcpProxy(String host, int targetPort) {
    this.target = new InetSocketAddress(host, targetPort);
    this.server = bind(0);
    this.port = server.getLocalPort();
    accept(server);
  }

  /** The port the proxy listens on. */
  int port() {
    return port;
  }

  /** Resets every open connection and refuses new ones until {@link #restore()}. */
  synchronized void cut() {
    closeQuietly(server);
    open.forEach(TcpProxy::closeQuietly);
    open.clear();
  }

  /** Drops every byte from now on, on open connections and on those accepted until {@link #heal()}. */
  void partition() {
    partitioned = true;
    dropped.addAll(open);
  }

  /** New connections work again; the ones the partition hit stay dead. */
  void heal() {
    partitioned = false;
  }

  /** Accepts connections again, on the same port. */
  synchronized void restore() {
    if (server.isClosed()) {
      server = bind(port);
      accept(server);
    }
  }

  @Override
  public void close() {
    cut();
  }

  private static ServerSocket bind(int port) {
    try {
      ServerSocket socket = new ServerSocket();
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return socket;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the proxy to port " + port, e);
    }
  }

  private void accept(ServerSocket listening) {
    Thread.ofVirtual().name("tcp-proxy-accept").start(() -> {
      while (!listening.isClosed()) {
        try {
          Socket client = listening.accept();
          if (partitioned) {
            open.add(client);
            dropped.add(client);
            swallow(client);
            continue;
          }
          Socket upstream = new Socket(target.getAddress(), target.getPort());
          open.add(client);
          open.add(upstream);
          pump(client, upstream);
          pump(upstream, client);
        } catch (IOException e) {
          // the listening socket was closed by cut(), or the target refused: the client sees a reset
        }
      }
    });
  }

  /** Reads and drops what a connection accepted during a partition sends, answering nothing. */
  private void swallow(Socket client) {
    Thread.ofVirtual().name("tcp-proxy-swallow").start(() -> {
      try (InputStream in = client.getInputStream()) {
        in.transferTo(OutputStream.nullOutputStream());
      } catch (IOException e) {
        // closed
      } finally {
        closeQuietly(client);
        open.remove(client);
        dropped.remove(client);
      }
    });
  }

  private void pump(Socket from, Socket to) {
    Thread.ofVirtual().name("tcp-proxy-pump").start(() -> {
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
          if (!dropped.contains(from) && !dropped.contains(to)) {
            out.write(buffer, 0, n);
            out.flush();
          }
        }
      } catch (IOException e) {
        // one side went away; closing both below ends the other direction too
      } finally {
        closeQuietly(from);
        closeQuietly(to);
        open.remove(from);
        open.remove(to);
        dropped.remove(from);
        dropped.remove(to);
      }
    });
  }

  private static void closeQuietly(java.io.Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
