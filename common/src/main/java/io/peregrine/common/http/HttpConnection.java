package io.peregrine.common.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.util.Arrays;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection of {@link NettyHttpServer}: gathers a request's body into a buffer the connection keeps between
 * requests (shrunk after a large one), enforces the size limits, runs the route and writes its answer. Requests of
 * one connection are answered in order (pipelining) because each is answered before the next is read on.
 */
final class HttpConnection extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(HttpConnection.class);
  private static final int INITIAL = 16 << 10;
  private static final int KEEP_AT_MOST = 1 << 20;
  /**
   * Bytes of a refused body (413, 503) read and dropped before the connection is closed: closing while the client is
   * still sending makes its kernel see a reset, and the client loses the answer already written.
   */
  static final int SWALLOW_LIMIT = 4 << 20;
  // answers carry only names this package and its routes write as constants: no check of each name per answer
  private static final HttpHeadersFactory HEADERS =
      DefaultHttpHeadersFactory.headersFactory().withNameValidation(false);
  private static final HttpHeadersFactory TRAILERS =
      DefaultHttpHeadersFactory.trailersFactory().withNameValidation(false);
  private static final AsciiString JSON = AsciiString.cached(HttpAnswer.JSON);

  private final NettyHttpServer server;
  private byte[] body = new byte[INITIAL];
  private int length;
  private long reserved; // bytes of this request counted in server.buffered
  private HttpRequest request;
  private boolean discarding; // answered already (413, 503, bad request): drop the rest of this request's body
  private long swallowLeft = -1; // while >= 0: close once the refused body has ended, or past this many more bytes

  HttpConnection(NettyHttpServer server) {
    this.server = server;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof HttpRequest r) {
        start(ctx, r);
      }
      if (msg instanceof HttpContent c && request != null && !discarding) {
        append(ctx, c.content());
        if (!discarding && msg instanceof LastHttpContent) {
          finish(ctx);
        }
      } else if (msg instanceof HttpContent c && swallowLeft >= 0) {
        swallowLeft -= c.content().readableBytes();
        if (swallowLeft < 0) {
          ctx.close();
        }
      }
      if (msg instanceof LastHttpContent && discarding) {
        discarding = false;
        request = null;
        if (swallowLeft >= 0) {
          swallowLeft = -1;
          ctx.close();
        }
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void start(ChannelHandlerContext ctx, HttpRequest r) {
    request = r;
    length = 0;
    discarding = false;
    if (r.decoderResult().isFailure()) {
      refuse(ctx, 400, "bad HTTP request: " + r.decoderResult().cause().getMessage(), true);
      return;
    }
    long declared = HttpUtil.getContentLength(r, -1L);
    if (declared > server.maxBody()) {
      refuseBody(ctx, 413, "request body is larger than " + server.maxBody() + " bytes");
    } else if (declared > body.length) {
      grow((int) declared);
    }
  }

  private void append(ChannelHandlerContext ctx, ByteBuf content) {
    int n = content.readableBytes();
    if (n == 0) {
      return;
    }
    if ((long) length + n > server.maxBody()) {
      refuseBody(ctx, 413, "request body is larger than " + server.maxBody() + " bytes");
      return;
    }
    if (server.buffered.addAndGet(n) > server.maxBuffered) {
      server.buffered.addAndGet(-n);
      refuseBody(ctx, 503, server.serverName() + " is holding " + server.maxBuffered
          + " bytes of request bodies already: retry later");
      return;
    }
    reserved += n;
    if (length + n > body.length) {
      grow(Math.max(length + n, Math.min(server.maxBody(), body.length * 2)));
    }
    content.readBytes(body, length, n);
    length += n;
  }

  /** The session of the connection's TLS handler, or null over plain HTTP. */
  private static javax.net.ssl.SSLSession tlsSession(ChannelHandlerContext ctx) {
    io.netty.handler.ssl.SslHandler ssl = ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class);
    return ssl == null ? null : ssl.engine().getSession();
  }

  private void grow(int size) {
    body = Arrays.copyOf(body, size);
  }

  private void finish(ChannelHandlerContext ctx) {
    HttpRequest r = request;
    request = null;
    HttpAnswer answer;
    String uri = r.uri();
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    HttpRoute route = server.routeFor(path);
    try {
      answer = route == null ? HttpAnswer.json(404, NettyHttpServer.error("no route " + path))
          : route.handle(new HttpCall(r, path, q < 0 ? null : uri, ctx.channel().remoteAddress(), body, length,
              tlsSession(ctx)));
    } catch (Exception e) {
      log.warn("{}: {} {} failed", server.serverName(), r.method(), r.uri(), e);
      answer = HttpAnswer.json(500, NettyHttpServer.error(e.getMessage()));
    } finally {
      release();
      if (body.length > KEEP_AT_MOST) {
        body = new byte[INITIAL]; // one large request must not pin its buffer on the connection
      }
    }
    write(ctx, r, answer, !HttpUtil.isKeepAlive(r));
  }

  private void refuse(ChannelHandlerContext ctx, int status, String message, boolean close) {
    HttpRequest r = request;
    discarding = true;
    release();
    HttpAnswer a = HttpAnswer.json(status, NettyHttpServer.error(message));
    if (status == 503) {
      a = a.withHeader("Retry-After", "1");
    }
    write(ctx, r, close ? a : a.withHeader("Connection", "close"), close);
  }

  /** Answers now, says the connection closes, and closes it once the rest of the body is swallowed. */
  private void refuseBody(ChannelHandlerContext ctx, int status, String message) {
    swallowLeft = SWALLOW_LIMIT;
    refuse(ctx, status, message, false);
  }

  private void release() {
    if (reserved > 0) {
      server.buffered.addAndGet(-reserved);
      reserved = 0;
    }
    length = 0;
  }

  private static void write(ChannelHandlerContext ctx, HttpRequest r, HttpAnswer a, boolean close) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(a.status()), Unpooled.wrappedBuffer(a.body()), HEADERS, TRAILERS);
    String type = a.contentType();
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, type.equals(HttpAnswer.JSON) ? JSON : type)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, a.body().length);
    if (!a.headers().isEmpty()) {
      for (Map.Entry<String, String> h : a.headers().entrySet()) {
        response.headers().set(h.getKey(), h.getValue());
      }
    }
    if (close) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    } else {
      if (r != null && r.protocolVersion().equals(HttpVersion.HTTP_1_0) && !a.headers().containsKey("Connection")) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      }
      ctx.writeAndFlush(response);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    release();
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // a reset connection, or a body that does not gunzip: answer what can still be answered, then close
    log.debug("{}: connection {} failed: {}", server.serverName(), ctx.channel().remoteAddress(), cause.toString());
    if (request != null && !discarding && ctx.channel().isActive()) {
      refuse(ctx, 400, "could not read the body: " + cause.getMessage(), true);
    } else {
      release();
      ctx.close();
    }
  }
}
