package io.prmonitor.github;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP/1.1 server on a plain socket, for answers {@code com.sun.net.httpserver} cannot give: a
 * body that stalls after the headers or trickles a byte at a time. Each connection serves one request;
 * the script writes the whole answer, headers included, and may block (a stalled body) until the server
 * is closed.
 */
final class RawHttpServer implements AutoCloseable {

  /** Writes the answer to the {@code n}-th request (from 1) on {@code out}. */
  @FunctionalInterface
  interface Script {
    void answer(int n, OutputStream out) throws IOException, InterruptedException;
  }

  private final ServerSocket server;
  private final AtomicInteger requests = new AtomicInteger();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

  RawHttpServer(Script script) throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(() -> {
      while (!server.isClosed()) {
        try {
          Socket socket = server.accept();
          open.add(socket);
          Thread.ofVirtual().start(() -> serve(socket, script));
        } catch (IOException e) {
          return;
        }
      }
    });
  }

  private void serve(Socket socket, Script script) {
    try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) >= 0) {
        head.write(b);
        if (head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
          break;
        }
      }
      if (b < 0) {
        return;
      }
      script.answer(requests.incrementAndGet(), out);
      out.flush();
    } catch (IOException | InterruptedException e) {
      // the client gave up on the answer (it timed out), or the server closed
    } finally {
      open.remove(socket);
    }
  }

  /** Headers of a {@code 200} JSON answer with this content length, connection closed after it. */
  static byte[] headers(int status, long contentLength, String... extra) {
    StringBuilder text = new StringBuilder("HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + contentLength + "\r\nConnection: close\r\n");
    for (String header : extra) {
      text.append(header).append("\r\n");
    }
    return text.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  int requests() {
    return requests.get();
  }

  URI baseUrl() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket socket : open) {
      socket.close();
    }
  }
}
