package io.peregrine.transfer.rpc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peregrine.common.auth.Bearer;
import io.peregrine.common.auth.Gatekeeper;
import io.peregrine.common.auth.Scope;
import io.peregrine.common.config.HostPort;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.server.NamedExecutors;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Open-Falcon's JSON-RPC port (8433): Go's {@code net/rpc} with the JSON codec over TCP, so Open-Falcon agents and
 * proxies point at Peregrine unchanged. Requests are JSON objects one after another on a connection (Go's encoder
 * ends each with a newline; any whitespace between them is accepted): {@code {"method":"Transfer.Update",
 * "params":[[item, ...]],"id":N}}; each is answered in order with {@code {"id":N,"result":{...},"error":null}} and a
 * newline, as Go's server does.
 *
 * <p>Limits, each ending the connection after an error reply when the stream cannot be trusted any more: a request
 * larger than {@code maxRequestBytes}, text that is not JSON, or a JSON value that is not an object; a connection
 * silent for {@code idleTimeout} (in the middle of a request or between requests) is closed; at most
 * {@code maxConnections} at once (the next is answered with an error and closed). A valid request naming an unknown
 * method gets Go's error text and the connection stays open. One thread per connection, from a bounded pool.
 */
public final class JsonRpcServer implements Component {
  private static final Logger log = LoggerFactory.getLogger(JsonRpcServer.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final String listen;
  private final TransferRpc handler;
  private final int maxConnections;
  private final Duration idleTimeout;
  private final long maxRequestBytes;
  private final JsonFactory factory;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final java.util.concurrent.atomic.AtomicInteger active = new java.util.concurrent.atomic.AtomicInteger();
  private volatile ServerSocket server;
  private ExecutorService acceptor;
  private ThreadPoolExecutor connections;
  private volatile Gatekeeper gate;

  public JsonRpcServer(String listen, TransferRpc handler, int maxConnections, Duration idleTimeout,
      long maxRequestBytes) {
    this.listen = listen;
    this.handler = handler;
    this.maxConnections = maxConnections;
    this.idleTimeout = idleTimeout;
    this.maxRequestBytes = maxRequestBytes;
    this.factory = JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder()
        .maxStringLength(64 * 1024).maxNestingDepth(16).build()).build();
    this.factory.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
  }

  /**
   * Wants a token (scope push) on every connection: its first call is {@code Transfer.Auth} with params
   * {@code ["<token>"]}; until then {@code Transfer.Update} answers an error naming what to send. Null = open.
   * Call before {@link #start()}.
   */
  public JsonRpcServer guard(Gatekeeper gatekeeper) {
    this.gate = gatekeeper;
    return this;
  }

  @Override
  public String name() {
    return "transfer-jsonrpc";
  }

  @Override
  public void start() throws IOException {
    HostPort hp = HostPort.parse("transfer.jsonRpcListen", listen);
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(hp.host(), hp.port()), 128);
    server = s;
    connections = NamedExecutors.fixed("transfer-jsonrpc", maxConnections, 1, new ThreadPoolExecutor.AbortPolicy());
    acceptor = NamedExecutors.fixed("transfer-jsonrpc-accept", 1, 1, new ThreadPoolExecutor.AbortPolicy());
    acceptor.execute(this::acceptLoop);
    log.info("transfer: JSON-RPC (Open-Falcon Transfer.Update) listening on {}:{}", hp.host(), port());
  }

  public int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!closed.get()) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        if (!closed.get()) {
          log.error("transfer: JSON-RPC accept failed", e);
        }
        continue;
      }
      if (active.incrementAndGet() > maxConnections) {
        active.decrementAndGet();
        refuse(socket, "transfer has " + maxConnections + " JSON-RPC connections open, the most it takes: retry "
            + "later");
        continue;
      }
      try {
        connections.execute(() -> {
          try {
            serve(socket);
          } finally {
            active.decrementAndGet();
          }
        });
      } catch (RejectedExecutionException e) {
        active.decrementAndGet();
        refuse(socket, "transfer is stopping");
      }
    }
  }

  private void refuse(Socket socket, String why) {
    try (socket) {
      socket.setSoTimeout(1000);
      OutputStream out = socket.getOutputStream();
      out.write(reply(null, null, why));
      out.flush();
    } catch (IOException ignored) {
      // the client is gone already
    }
  }

  private void serve(Socket socket) {
    open.add(socket);
    try (socket) {
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, idleTimeout.toMillis()));
      socket.setTcpNoDelay(true);
      Limited in = new Limited(socket.getInputStream(), maxRequestBytes);
      OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 8192);
      boolean[] authorized = {gate == null}; // per connection: set by a good Transfer.Auth
      try (JsonParser p = factory.createParser(in)) {
        while (!closed.get()) {
          in.reset();
          JsonToken t = p.nextToken();
          if (t == null) {
            return; // the client closed between requests
          }
          if (t != JsonToken.START_OBJECT) {
            out.write(reply(null, null, "request must be a JSON object {\"method\",\"params\",\"id\"}, got " + t));
            out.flush();
            return;
          }
          JsonNode request = MAPPER.readTree(p);
          out.write(answer(request, authorized));
          out.flush();
        }
      } catch (Limited.TooLarge e) {
        send(out, "request is larger than " + maxRequestBytes + " bytes: split the batch");
      } catch (SocketTimeoutException e) {
        log.debug("transfer: JSON-RPC connection from {} idle for {}; closed", socket.getRemoteSocketAddress(),
            idleTimeout);
      } catch (JsonProcessingException e) {
        send(out, "malformed JSON-RPC request: " + e.getOriginalMessage());
      }
    } catch (IOException e) {
      log.debug("transfer: JSON-RPC connection from {} failed: {}", socket.getRemoteSocketAddress(), e.toString());
    } catch (RuntimeException e) {
      log.error("transfer: JSON-RPC connection from {} failed", socket.getRemoteSocketAddress(), e);
    } finally {
      open.remove(socket);
    }
  }

  private static void send(OutputStream out, String error) {
    try {
      out.write(reply(null, null, error));
      out.flush();
    } catch (IOException ignored) {
      // the connection is closed right after anyway
    }
  }

  private byte[] answer(JsonNode request, boolean[] authorized) {
    JsonNode id = request.get("id");
    JsonNode method = request.get("method");
    if (method == null || !method.isTextual()) {
      return reply(id, null, "rpc: request has no method");
    }
    JsonNode params = request.get("params");
    JsonNode arg = params != null && params.isArray() && params.size() > 0 ? params.get(0) : null;
    try {
      return switch (method.asText()) {
        case "Transfer.Auth" -> auth(id, arg, authorized);
        case "Transfer.Update" -> !authorized[0] ? reply(id, null, "rpc: transfer wants a token with scope 'push' on "
            + "this connection: call Transfer.Auth with params [\"<token>\"] first")
            : arg == null ? reply(id, null, "rpc: Transfer.Update needs params [[items]]")
            : reply(id, handler.update(MAPPER.writeValueAsBytes(arg)), null);
        case "Transfer.Ping" -> reply(id, MAPPER.createObjectNode().put("Code", 0), null);
        default -> reply(id, null, "rpc: can't find method " + method.asText());
      };
    } catch (TransferRpc.RpcError e) {
      return reply(id, null, e.getMessage());
    } catch (IOException e) {
      return reply(id, null, "transfer failed: " + e.getMessage());
    }
  }

  private byte[] auth(JsonNode id, JsonNode arg, boolean[] authorized) {
    Gatekeeper g = gate;
    if (g == null) {
      return reply(id, MAPPER.createObjectNode().put("Code", 0), null); // nothing wanted: any token is fine
    }
    String token = arg != null && arg.isTextual() ? arg.asText() : null;
    Gatekeeper.Refusal refusal = g.decide(Scope.PUSH, token == null ? null : Bearer.header(token));
    authorized[0] = refusal == null;
    return refusal == null ? reply(id, MAPPER.createObjectNode().put("Code", 0), null)
        : reply(id, null, "rpc: " + refusal.message());
  }

  static byte[] reply(JsonNode id, JsonNode result, String error) {
    ObjectNode r = MAPPER.createObjectNode();
    r.set("id", id == null ? MAPPER.nullNode() : id);
    r.set("result", result == null ? MAPPER.nullNode() : result);
    if (error == null) {
      r.putNull("error");
    } else {
      r.put("error", error);
    }
    return (r + "\n").getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    if (closed.getAndSet(true) || server == null) {
      return;
    }
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket s : open) {
      try {
        s.close(); // unblocks the reader; a request being handled finishes its reply or fails
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    NamedExecutors.shutdown(acceptor, "transfer-jsonrpc-accept", Duration.ofSeconds(2));
    NamedExecutors.shutdown(connections, "transfer-jsonrpc", Duration.ofSeconds(5));
    log.info("transfer: JSON-RPC stopped");
  }

  /** Counts bytes read since the last reset and fails beyond the limit: a huge request never fills memory. */
  static final class Limited extends FilterInputStream {
    static final class TooLarge extends IOException {
      TooLarge() {
        super("request too large");
      }
    }

    private final long limit;
    private long count;

    Limited(InputStream in, long limit) {
      super(in);
      this.limit = limit;
    }

    @Override
    public synchronized void reset() {
      count = 0;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0 && ++count > limit) {
        throw new TooLarge();
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0 && (count += n) > limit) {
        throw new TooLarge();
      }
      return n;
    }
  }
}
