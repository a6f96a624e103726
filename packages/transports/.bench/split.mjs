// .bench/split.ts
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";

// src/server/serveHttp.ts
import { createServer } from "node:http";

// src/errors.ts
var ProxyError = class extends Error {
  /** The stable code of this error. */
  code;
  /** Structured detail, safe to show to a client. */
  data;
  /**
   * @param code - the stable code
   * @param message - subject first, the offending value last after a colon
   * @param options - cause and data
   */
  constructor(code, message, options = {}) {
    super(message, options.cause === void 0 ? void 0 : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.data = options.data;
  }
};

// src/logger.ts
var noop = () => {
};
var noopLogger = Object.freeze({ debug: noop, info: noop, warn: noop, error: noop });

// src/server/httpOptions.ts
var DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
var DEFAULT_SESSION_IDLE_TIMEOUT_MS = 30 * 60 * 1e3;
var DEFAULT_SSE_KEEP_ALIVE_MS = 15e3;
var normaliseOrigin = (origin) => origin.trim().toLowerCase().replace(/\/+$/, "");
function invalid(field, value) {
  return new ProxyError(
    "INVALID_CONFIG" /* InvalidConfig */,
    `Invalid serveHttp option ${field}: ${String(value)}`
  );
}
function checkPath(field, value) {
  if (!value.startsWith("/") || value.includes("?")) throw invalid(field, value);
  return value;
}
function checkCount(field, value, min) {
  if (!Number.isFinite(value) || value < min) throw invalid(field, value);
  return value;
}
function resolveHttpOptions(options) {
  const corsOrigins = Array.isArray(options.cors) ? options.cors.map(normaliseOrigin) : [];
  const token = options.authToken;
  if (token !== void 0 && token.length === 0) throw invalid("authToken", "(empty)");
  const resolved = {
    host: options.host ?? "127.0.0.1",
    port: checkCount("port", options.port ?? 0, 0),
    path: checkPath("path", options.path ?? "/mcp"),
    sse: options.sse !== false,
    ssePath: checkPath("ssePath", options.ssePath ?? "/sse"),
    messagesPath: checkPath("messagesPath", options.messagesPath ?? "/messages"),
    stateless: options.stateless === true,
    authToken: token === void 0 ? void 0 : Buffer.from(token, "utf8"),
    authInfo: token === void 0 ? void 0 : Object.freeze({ token, clientId: "bearer", scopes: [] }),
    hostCheck: options.disableHostCheck !== true,
    allowedHosts: new Set((options.allowedHosts ?? []).map((h) => h.trim().toLowerCase())),
    allowedOrigins: /* @__PURE__ */ new Set([
      ...(options.allowedOrigins ?? []).map(normaliseOrigin),
      ...corsOrigins
    ]),
    cors: Array.isArray(options.cors) ? new Set(corsOrigins) : options.cors === true,
    maxBodyBytes: checkCount("maxBodyBytes", options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, 1),
    sessionIdleTimeoutMs: checkCount(
      "sessionIdleTimeoutMs",
      options.sessionIdleTimeoutMs ?? DEFAULT_SESSION_IDLE_TIMEOUT_MS,
      0
    ),
    sseKeepAliveMs: checkCount(
      "sseKeepAliveMs",
      options.sseKeepAliveMs ?? DEFAULT_SSE_KEEP_ALIVE_MS,
      0
    ),
    healthPath: checkPath("healthPath", options.healthPath ?? "/health"),
    logger: options.logger ?? noopLogger
  };
  const paths = [resolved.path, resolved.healthPath];
  if (resolved.sse) paths.push(resolved.ssePath, resolved.messagesPath);
  if (new Set(paths).size !== paths.length) throw invalid("paths", paths.join(", "));
  return resolved;
}

// src/server/httpReplies.ts
var JsonRpcCode = {
  /** The body is not JSON. */
  ParseError: -32700,
  /** The body is JSON but not a valid JSON-RPC message or batch. */
  InvalidRequest: -32600,
  /** The server failed to set up the session. */
  InternalError: -32603,
  /** Transport-level refusals (headers, methods, limits). */
  ServerError: -32e3,
  /** An unknown or closed session. */
  SessionNotFound: -32001
};
function replyError(res, status, error) {
  if (res.headersSent || res.writableEnded) return;
  const body = `{"jsonrpc":"2.0","error":{"code":${error.code},"message":${JSON.stringify(error.message)}},"id":null}`;
  res.writeHead(status, {
    ...error.headers,
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body)
  });
  res.end(body);
}
function replyEmpty(res, status, headers) {
  if (res.headersSent || res.writableEnded) return;
  res.writeHead(status, headers);
  res.end();
}
function replyJson(res, body, headers) {
  res.writeHead(200, {
    ...headers,
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body)
  });
  res.end(body);
}
function responseGone(res) {
  return res.destroyed || res.writableEnded || res.socket === null || res.socket.destroyed;
}

// src/server/legacySseSession.ts
import { SSEServerTransport } from "@modelcontextprotocol/sdk/server/sse.js";

// src/server/bodyReader.ts
var BODY_TOO_LARGE = /* @__PURE__ */ Symbol("bodyTooLarge");
function readBody(req, limit) {
  const declared = req.headers["content-length"];
  if (declared !== void 0 && Number(declared) > limit) return Promise.resolve(BODY_TOO_LARGE);
  return new Promise((resolve, reject) => {
    let first;
    let chunks;
    let size = 0;
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
    };
    const onData = (chunk) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        resolve(BODY_TOO_LARGE);
      } else if (first === void 0) {
        first = chunk;
      } else {
        chunks ??= [first];
        chunks.push(chunk);
      }
    };
    const onEnd = () => {
      cleanup();
      if (chunks !== void 0) resolve(Buffer.concat(chunks, size));
      else resolve(first ?? Buffer.alloc(0));
    };
    const onError = (error) => {
      cleanup();
      reject(error);
    };
    const onClose = () => {
      cleanup();
      reject(new Error("Request closed before its body was complete"));
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}
function isJsonContentType(header) {
  if (header === void 0) return false;
  if (header === "application/json") return true;
  const semicolon = header.indexOf(";");
  const type = semicolon === -1 ? header : header.slice(0, semicolon);
  return type.trim().toLowerCase() === "application/json";
}

// src/server/connectTarget.ts
async function connectTarget(target, info, transport) {
  const server = typeof target === "function" ? await target(info) : target;
  await server.connect(transport);
}

// src/server/onceCloseTransport.ts
var OnceCloseTransport = class {
  /** Set by the server: called once when the transport closes. */
  onclose;
  /** Set by the server: called on out-of-band errors. */
  onerror;
  /** Set by the server: receives every client message. */
  onmessage;
  #inner;
  #onClosed;
  #started = false;
  #closeRequested = false;
  #closed = false;
  /**
   * @param inner - the transport to wrap
   * @param onClosed - called once when the transport closes, before `onclose`
   */
  constructor(inner, onClosed) {
    this.#inner = inner;
    this.#onClosed = onClosed;
  }
  /** The wrapped transport's session id. */
  get sessionId() {
    return this.#inner.sessionId;
  }
  /** Whether the transport is closed (or closing). */
  get closed() {
    return this.#closed || this.#closeRequested;
  }
  /** Starts the wrapped transport. */
  async start() {
    const inner = this.#inner;
    inner.onmessage = (message, extra) => this.onmessage?.(message, extra);
    inner.onerror = (error) => this.onerror?.(error);
    inner.onclose = () => this.#fireClose();
    this.#started = true;
    await inner.start();
    if (this.#closeRequested) await this.close();
  }
  /** Sends through the wrapped transport. */
  send(message, options) {
    return this.#inner.send(message, options);
  }
  /** Passes the negotiated protocol version on. */
  setProtocolVersion(version) {
    this.#inner.setProtocolVersion?.(version);
  }
  /** Closes the wrapped transport; `onclose` fires once. */
  async close() {
    if (this.#closed) return;
    if (!this.#started) {
      this.#closeRequested = true;
      return;
    }
    this.#closeRequested = false;
    try {
      await this.#inner.close();
    } finally {
      this.#fireClose();
    }
  }
  #fireClose() {
    if (this.#closed) return;
    this.#closed = true;
    this.#onClosed?.();
    this.onclose?.();
  }
};

// src/server/sseStream.ts
var PING = ": ping\n\n";
var SSE_HEADERS = Object.freeze({
  "content-type": "text/event-stream",
  "cache-control": "no-cache",
  connection: "keep-alive",
  "x-accel-buffering": "no"
});
function startHeartbeat(res, intervalMs) {
  if (intervalMs <= 0) return void 0;
  const timer = setInterval(() => {
    if (!res.writableEnded) res.write(PING);
  }, intervalMs);
  timer.unref();
  return timer;
}
var SseStream = class {
  #res;
  #heartbeat;
  /**
   * Sends the SSE headers at once, so the client sees the stream open.
   * @param res - the response to stream on
   * @param headers - the headers, SSE ones included (see {@link SSE_HEADERS})
   * @param keepAliveMs - the heartbeat interval, 0 for none
   */
  constructor(res, headers, keepAliveMs) {
    this.#res = res;
    res.writeHead(200, headers);
    res.flushHeaders();
    this.#heartbeat = startHeartbeat(res, keepAliveMs);
    res.once("close", this.#stopHeartbeat);
  }
  /** Whether the stream can still be written. */
  get open() {
    return !this.#res.writableEnded && !this.#res.destroyed;
  }
  /** Writes one serialised JSON-RPC message as an event. */
  write(json) {
    if (this.open) this.#res.write(`event: message
data: ${json}

`);
  }
  /** Ends the stream. */
  end() {
    this.#stopHeartbeat();
    if (!this.#res.writableEnded) this.#res.end();
  }
  #stopHeartbeat = () => {
    if (this.#heartbeat !== void 0) clearInterval(this.#heartbeat);
    this.#heartbeat = void 0;
  };
};

// src/server/legacySseSession.ts
var LegacySseSession = class {
  /** Always true: a legacy session lives exactly as long as its stream. */
  busy = true;
  /** Unused: legacy sessions are never idle. */
  lastActive = 0;
  /** The SDK transport (receives the POSTed messages). */
  inner;
  /** The transport the server is connected to. */
  transport;
  /**
   * @param inner - the SDK transport on the GET response
   * @param onClosed - called once when the session closes
   */
  constructor(inner, onClosed) {
    this.inner = inner;
    this.transport = new OnceCloseTransport(inner, onClosed);
  }
  /** Closes the session (ends the stream). */
  close() {
    return this.transport.close();
  }
};
async function openLegacySse(context, res) {
  const { options, sseSessions } = context;
  const inner = new SSEServerTransport(options.messagesPath, res);
  const sessionId = inner.sessionId;
  let heartbeat;
  const session = new LegacySseSession(inner, () => {
    if (heartbeat !== void 0) clearInterval(heartbeat);
    sseSessions.delete(sessionId);
    options.logger.info(`SSE session closed: ${sessionId.slice(0, 8)}`);
  });
  sseSessions.add(sessionId, session);
  res.once("close", () => void session.close());
  try {
    await connectTarget(context.target, { sessionId, transport: "sse" }, session.transport);
  } catch (error) {
    sseSessions.delete(sessionId);
    options.logger.error("Serving an SSE session failed", error);
    if (!res.headersSent) {
      replyError(res, 500, {
        code: JsonRpcCode.InternalError,
        message: "Internal error: server setup failed"
      });
    } else {
      res.end();
    }
    return;
  }
  if (!session.transport.closed) heartbeat = startHeartbeat(res, options.sseKeepAliveMs);
  options.logger.info(`SSE session opened: ${sessionId.slice(0, 8)}`);
}
async function postLegacyMessage(context, req, res, query) {
  const sessionId = new URLSearchParams(query).get("sessionId");
  const session = sessionId === null ? void 0 : context.sseSessions.get(sessionId);
  if (session === void 0 || session.transport.closed) {
    return replyError(res, 404, {
      code: JsonRpcCode.SessionNotFound,
      message: "Session not found"
    });
  }
  if (!isJsonContentType(req.headers["content-type"])) {
    const message = "Unsupported Media Type: Content-Type must be application/json";
    return replyError(res, 415, { code: JsonRpcCode.ServerError, message });
  }
  const { maxBodyBytes, authInfo } = context.options;
  const raw = await readBody(req, maxBodyBytes);
  if (raw === BODY_TOO_LARGE) {
    const message = `Payload Too Large: Request body must not exceed ${maxBodyBytes} bytes`;
    return replyError(res, 413, {
      code: JsonRpcCode.ServerError,
      message,
      headers: { connection: "close" }
    });
  }
  let parsed;
  try {
    parsed = JSON.parse(raw.toString("utf8"));
  } catch {
    return replyError(res, 400, {
      code: JsonRpcCode.ParseError,
      message: "Parse error: Invalid JSON"
    });
  }
  if (authInfo !== void 0) req.auth = authInfo;
  await session.inner.handlePostMessage(req, res, parsed);
}

// src/server/streamableHttpHandler.ts
import { randomUUID } from "node:crypto";
import { SUPPORTED_PROTOCOL_VERSIONS } from "@modelcontextprotocol/sdk/types.js";

// src/server/httpContext.ts
function messageExtra(context, req) {
  const authInfo = context.options.authInfo;
  return authInfo === void 0 ? { requestInfo: { headers: req.headers } } : { requestInfo: { headers: req.headers }, authInfo };
}

// src/server/jsonRpcBody.ts
var MAX_BATCH_SIZE = 100;
var isId = (id) => typeof id === "string" || typeof id === "number" && Number.isInteger(id);
var isObject = (value) => typeof value === "object" && value !== null && !Array.isArray(value);
function shapeOf(value) {
  if (!isObject(value) || value.jsonrpc !== "2.0") return void 0;
  if (value.method !== void 0) {
    if (typeof value.method !== "string") return void 0;
    if (value.params !== void 0 && !isObject(value.params)) return void 0;
    if (value.id === void 0) return "notification";
    return isId(value.id) ? "request" : void 0;
  }
  if (value.result !== void 0)
    return isId(value.id) && isObject(value.result) ? "response" : void 0;
  const error = value.error;
  if (!isObject(error) || typeof error.code !== "number" || typeof error.message !== "string") {
    return void 0;
  }
  return value.id === void 0 || isId(value.id) ? "response" : void 0;
}
var INVALID = {
  ok: false,
  code: JsonRpcCode.InvalidRequest,
  message: "Invalid Request: not a JSON-RPC message"
};
function parseJsonRpcBody(body) {
  let raw;
  try {
    raw = JSON.parse(body.toString("utf8"));
  } catch {
    return { ok: false, code: JsonRpcCode.ParseError, message: "Parse error: Invalid JSON" };
  }
  const batch = Array.isArray(raw);
  const items = batch ? raw : [raw];
  if (items.length === 0 || items.length > MAX_BATCH_SIZE) {
    return {
      ok: false,
      code: JsonRpcCode.InvalidRequest,
      message: `Invalid Request: batch size: ${items.length}`
    };
  }
  const requestIds = [];
  let initialize = false;
  for (const item of items) {
    const shape = shapeOf(item);
    if (shape === void 0) return INVALID;
    if (shape === "request") {
      const request = item;
      requestIds.push(request.id);
      if (request.method === "initialize") initialize = true;
    }
  }
  return { ok: true, messages: items, requestIds, initialize, batch };
}
function isResponse(message) {
  return !("method" in message) && ("result" in message || "error" in message);
}

// src/server/postExchange.ts
var PostExchange = class {
  /** The ids of the requests this POST carried. */
  requestIds;
  #res;
  #owner;
  #batch;
  #remaining;
  #stream;
  #buffered;
  #finished = false;
  /**
   * @param res - the POST's response, still unanswered
   * @param body - the request ids of the POST and whether it was a batch
   * @param owner - the transport the POST belongs to
   */
  constructor(res, body, owner) {
    this.#res = res;
    this.#owner = owner;
    this.requestIds = body.requestIds;
    this.#remaining = body.requestIds.length;
    this.#batch = body.batch;
    res.once("close", this.#onClose);
    if (responseGone(res)) queueMicrotask(this.#onClose);
  }
  /** Whether the exchange is over (answered, or its client went away). */
  get finished() {
    return this.#finished;
  }
  /** Sends a message that is not a final response (switches the answer to SSE). */
  push(json) {
    if (this.#finished) return;
    this.#stream ??= this.#openStream();
    this.#stream.write(json);
  }
  /** Sends the final response of one of the POST's requests. */
  respond(json) {
    if (this.#finished) return;
    this.#remaining--;
    if (this.#stream !== void 0) {
      this.#stream.write(json);
      if (this.#remaining <= 0) this.#finish();
    } else if (!this.#batch) {
      replyJson(this.#res, json, this.#owner.headers);
      this.#finish();
    } else {
      this.#buffered ??= [];
      this.#buffered.push(json);
      if (this.#remaining > 0) return;
      replyJson(this.#res, `[${this.#buffered.join(",")}]`, this.#owner.headers);
      this.#finish();
    }
  }
  #openStream() {
    const stream = new SseStream(this.#res, this.#owner.sseHeaders, this.#owner.keepAliveMs);
    if (this.#buffered !== void 0) {
      for (const json of this.#buffered) stream.write(json);
      this.#buffered = void 0;
    }
    return stream;
  }
  #finish() {
    this.#finished = true;
    this.#stream?.end();
    this.#owner.exchangeFinished(this, true);
  }
  #onClose = () => {
    if (this.#finished) return;
    this.#finished = true;
    this.#stream?.end();
    this.#owner.exchangeFinished(this, false);
  };
};

// src/server/streamableHttpTransport.ts
var CLOSED_ERROR = { code: -32e3, message: "Connection closed" };
var StreamableHttpTransport = class {
  /** The session id (`Mcp-Session-Id`), undefined in stateless mode. */
  sessionId;
  /** Set by the server: called once when the transport closes. */
  onclose;
  /** Set by the server: called on out-of-band errors. */
  onerror;
  /** Set by the server: receives every client message. */
  onmessage;
  /** Extra headers of every answer (the session id). */
  headers;
  /** The headers of an SSE answer. */
  sseHeaders;
  /** The SSE heartbeat interval. */
  keepAliveMs;
  #logger;
  #closeWhenIdle;
  #onClosed;
  #byRequest = /* @__PURE__ */ new Map();
  #pending = /* @__PURE__ */ new Set();
  #standalone;
  #lastActive = Date.now();
  #started = false;
  #closeRequested = false;
  #closed = false;
  /** @param options - session id, logger, heartbeat and close hooks */
  constructor(options) {
    this.sessionId = options.sessionId;
    this.#logger = options.logger;
    this.keepAliveMs = options.keepAliveMs;
    this.#closeWhenIdle = options.closeWhenIdle === true;
    this.#onClosed = options.onClosed;
    this.headers = Object.freeze(
      this.sessionId === void 0 ? {} : { "mcp-session-id": this.sessionId }
    );
    this.sseHeaders = Object.freeze({ ...SSE_HEADERS, ...this.headers });
  }
  /** Whether the transport is closed (or closing). */
  get closed() {
    return this.#closed || this.#closeRequested;
  }
  /** Whether the session has a POST pending or a GET stream open. */
  get busy() {
    return this.#pending.size > 0 || this.#standalone !== void 0;
  }
  /** When the session last received a request or finished answering one (ms since the epoch). */
  get lastActive() {
    return this.#lastActive;
  }
  /** Starts the transport (the server calls this once when it connects). */
  async start() {
    if (this.#started) throw new Error("StreamableHttpTransport already started");
    this.#started = true;
    if (this.#closeRequested) await this.#closeNow();
  }
  /**
   * Delivers the messages of one POST and answers it: 202 at once when it holds no request,
   * otherwise lazily (see {@link PostExchange}).
   */
  handlePost(res, body, extra) {
    this.#lastActive = Date.now();
    if (body.requestIds.length === 0) {
      replyEmpty(res, 202, this.headers);
    } else {
      const exchange = new PostExchange(res, body, this);
      this.#pending.add(exchange);
      for (const id of body.requestIds) this.#byRequest.set(id, exchange);
    }
    const onmessage = this.onmessage;
    if (onmessage === void 0) return;
    for (const message of body.messages) onmessage(message, extra);
  }
  /** Opens the standalone SSE stream (GET); false when one is already open. */
  openStandaloneStream(res) {
    if (this.#standalone !== void 0) return false;
    if (responseGone(res)) return true;
    const stream = new SseStream(res, this.sseHeaders, this.keepAliveMs);
    this.#standalone = stream;
    this.#lastActive = Date.now();
    res.once("close", () => {
      if (this.#standalone !== stream) return;
      this.#standalone = void 0;
      this.#lastActive = Date.now();
    });
    return true;
  }
  /** Sends a message to the POST of its related request, or to the GET stream. */
  async send(message, options) {
    if (this.#closed) {
      this.#logger.debug("Message dropped: transport closed");
      return;
    }
    const final = isResponse(message);
    const id = final ? message.id : options?.relatedRequestId;
    if (id === void 0) {
      if (this.#standalone === void 0 || final) {
        this.#logger.debug("Message dropped: no standalone SSE stream open");
      } else {
        this.#standalone.write(JSON.stringify(message));
      }
      return;
    }
    const exchange = this.#byRequest.get(id);
    if (exchange === void 0) {
      this.#logger.debug(`Message dropped: no open POST for request: ${String(id)}`);
      return;
    }
    if (final) {
      this.#byRequest.delete(id);
      exchange.respond(JSON.stringify(message));
    } else {
      exchange.push(JSON.stringify(message));
    }
  }
  /** @internal Called by a {@link PostExchange} when it is over. */
  exchangeFinished(exchange, completed) {
    this.#pending.delete(exchange);
    this.#lastActive = Date.now();
    if (!completed) {
      this.#logger.debug("Client went away from a pending POST; its messages will be dropped");
      for (const id of exchange.requestIds) {
        if (this.#byRequest.get(id) === exchange) this.#byRequest.delete(id);
      }
    }
    if (this.#closeWhenIdle && this.#pending.size === 0) void this.close();
  }
  /**
   * Closes the session: pending requests get a "Connection closed" error response, open
   * streams end, and `onclose` fires once.
   */
  async close() {
    if (this.#closed || this.#closeRequested) return;
    if (!this.#started) {
      this.#closeRequested = true;
      return;
    }
    await this.#closeNow();
  }
  async #closeNow() {
    if (this.#closed) return;
    this.#closed = true;
    for (const [id, exchange] of [...this.#byRequest]) {
      exchange.respond(JSON.stringify({ jsonrpc: "2.0", id, error: CLOSED_ERROR }));
    }
    this.#byRequest.clear();
    this.#pending.clear();
    this.#standalone?.end();
    this.#standalone = void 0;
    this.#onClosed?.();
    this.onclose?.();
  }
};

// src/server/streamableHttpHandler.ts
var SUPPORTED_VERSIONS = new Set(SUPPORTED_PROTOCOL_VERSIONS);
var SESSION_NOT_FOUND = { code: JsonRpcCode.SessionNotFound, message: "Session not found" };
var SESSION_REQUIRED = {
  code: JsonRpcCode.ServerError,
  message: "Bad Request: Mcp-Session-Id header is required"
};
var CLOSING = { code: JsonRpcCode.ServerError, message: "Server closing" };
var STATELESS_METHOD = {
  code: JsonRpcCode.ServerError,
  message: "Method not allowed in stateless mode",
  headers: { allow: "POST" }
};
var acceptsPost = (accept) => accept !== void 0 && (accept.includes("application/json") && accept.includes("text/event-stream") || accept.includes("*/*"));
var acceptsSse = (accept) => accept !== void 0 && (accept.includes("text/event-stream") || accept.includes("*/*"));
function checkProtocolVersion(req, res) {
  const version = req.headers["mcp-protocol-version"];
  if (version === void 0 || typeof version === "string" && SUPPORTED_VERSIONS.has(version))
    return true;
  const message = `Bad Request: Unsupported protocol version: ${String(version)}`;
  replyError(res, 400, { code: JsonRpcCode.ServerError, message });
  return false;
}
function sessionOf(context, req, res) {
  const sessionId = req.headers["mcp-session-id"];
  if (typeof sessionId !== "string") {
    replyError(res, 400, SESSION_REQUIRED);
    return void 0;
  }
  const transport = context.sessions.get(sessionId);
  if (transport === void 0 || transport.closed) replyError(res, 404, SESSION_NOT_FOUND);
  return transport?.closed === false ? transport : void 0;
}
async function connect(context, transport, res) {
  const info = { sessionId: transport.sessionId, transport: "streamable-http" };
  try {
    await connectTarget(context.target, info, transport);
  } catch (error) {
    context.options.logger.error("Serving a streamable HTTP session failed", error);
    await transport.close();
    replyError(res, 500, {
      code: JsonRpcCode.InternalError,
      message: "Internal error: server setup failed"
    });
    return false;
  }
  if (!transport.closed) return true;
  replyError(res, 503, CLOSING);
  return false;
}
async function openSession(context, req, res, body) {
  if (!body.initialize) return replyError(res, 400, SESSION_REQUIRED);
  if (body.messages.length > 1) {
    const message = "Invalid Request: Only one initialization request is allowed";
    return replyError(res, 400, { code: JsonRpcCode.InvalidRequest, message });
  }
  const { sessions, options } = context;
  const sessionId = randomUUID();
  const transport = new StreamableHttpTransport({
    sessionId,
    logger: options.logger,
    keepAliveMs: options.sseKeepAliveMs,
    onClosed: () => {
      sessions.delete(sessionId);
      options.logger.info(`Streamable HTTP session closed: ${sessionId.slice(0, 8)}`);
    }
  });
  sessions.add(sessionId, transport);
  if (!await connect(context, transport, res)) return;
  options.logger.info(`Streamable HTTP session opened: ${sessionId.slice(0, 8)}`);
  transport.handlePost(res, body, messageExtra(context, req));
}
async function postStateless(context, req, res, body) {
  if (body.requestIds.length === 0) return replyEmpty(res, 202);
  const live = context.statelessTransports;
  const transport = new StreamableHttpTransport({
    logger: context.options.logger,
    keepAliveMs: context.options.sseKeepAliveMs,
    closeWhenIdle: true,
    onClosed: () => live.delete(transport)
  });
  live.add(transport);
  if (!await connect(context, transport, res)) return;
  transport.handlePost(res, body, messageExtra(context, req));
}
async function handleStreamablePost(context, req, res) {
  const { options } = context;
  if (!acceptsPost(req.headers.accept)) {
    const message = "Not Acceptable: Client must accept both application/json and text/event-stream";
    return replyError(res, 406, { code: JsonRpcCode.ServerError, message });
  }
  if (!isJsonContentType(req.headers["content-type"])) {
    const message = "Unsupported Media Type: Content-Type must be application/json";
    return replyError(res, 415, { code: JsonRpcCode.ServerError, message });
  }
  if (!checkProtocolVersion(req, res)) return;
  const hasSession = !options.stateless && req.headers["mcp-session-id"] !== void 0;
  const transport = hasSession ? sessionOf(context, req, res) : void 0;
  if (hasSession && transport === void 0) return;
  const raw = await readBody(req, options.maxBodyBytes);
  if (raw === BODY_TOO_LARGE) {
    const message = `Payload Too Large: Request body must not exceed ${options.maxBodyBytes} bytes`;
    return replyError(res, 413, {
      code: JsonRpcCode.ServerError,
      message,
      headers: { connection: "close" }
    });
  }
  const body = parseJsonRpcBody(raw);
  if (!body.ok) return replyError(res, 400, body);
  if (options.stateless) return postStateless(context, req, res, body);
  if (transport === void 0) return openSession(context, req, res, body);
  if (body.initialize) {
    return replyError(res, 400, {
      code: JsonRpcCode.InvalidRequest,
      message: "Invalid Request: Server already initialized"
    });
  }
  if (transport.closed) return replyError(res, 404, SESSION_NOT_FOUND);
  transport.handlePost(res, body, messageExtra(context, req));
}
function handleStreamableGet(context, req, res) {
  if (context.options.stateless) {
    replyError(res, 405, STATELESS_METHOD);
    return;
  }
  if (!acceptsSse(req.headers.accept)) {
    const message = "Not Acceptable: Client must accept text/event-stream";
    replyError(res, 406, { code: JsonRpcCode.ServerError, message });
    return;
  }
  if (!checkProtocolVersion(req, res)) return;
  const transport = sessionOf(context, req, res);
  if (transport === void 0) return;
  if (!transport.openStandaloneStream(res)) {
    const message = "Conflict: Only one SSE stream is allowed per session";
    replyError(res, 409, { code: JsonRpcCode.ServerError, message });
  }
}
async function handleStreamableDelete(context, req, res) {
  if (context.options.stateless) return replyError(res, 405, STATELESS_METHOD);
  if (!checkProtocolVersion(req, res)) return;
  const transport = sessionOf(context, req, res);
  if (transport === void 0) return;
  await transport.close();
  replyEmpty(res, 200);
}

// src/server/httpRouter.ts
var CORS_PREFLIGHT_HEADERS = Object.freeze({
  "access-control-allow-methods": "GET, POST, DELETE, OPTIONS",
  "access-control-allow-headers": "content-type, authorization, mcp-session-id, mcp-protocol-version, last-event-id",
  "access-control-max-age": "86400"
});
var ALLOW = {
  mcp: "GET, POST, DELETE",
  health: "GET",
  sse: "GET",
  messages: "POST"
};
var forbidden = (what) => ({
  code: JsonRpcCode.ServerError,
  message: `Forbidden: ${what} not allowed`
});
var FORBIDDEN_HOST = forbidden("Host");
var FORBIDDEN_ORIGIN = forbidden("Origin");
var UNAUTHORIZED = {
  code: JsonRpcCode.ServerError,
  message: "Unauthorized: a valid bearer token is required",
  headers: { "www-authenticate": "Bearer" }
};
var NOT_FOUND = { code: JsonRpcCode.ServerError, message: "Not found" };
var CLOSING2 = { code: JsonRpcCode.ServerError, message: "Server closing" };
function endpointOf(context, pathname) {
  const { options } = context;
  if (pathname === options.path) return "mcp";
  if (pathname === options.healthPath) return "health";
  if (!options.sse) return void 0;
  if (pathname === options.ssePath) return "sse";
  return pathname === options.messagesPath ? "messages" : void 0;
}
function admit(context, req, res) {
  const { guards, options } = context;
  if (!guards.hostAllowed(req.headers.host)) {
    options.logger.warn("Request refused: Host header not allowed");
    replyError(res, 403, FORBIDDEN_HOST);
    return false;
  }
  const origin = req.headers.origin;
  if (!guards.originAllowed(origin)) {
    options.logger.warn("Request refused: Origin header not allowed");
    replyError(res, 403, FORBIDDEN_ORIGIN);
    return false;
  }
  if (guards.corsAllowed(origin)) {
    res.setHeader("access-control-allow-origin", origin);
    res.setHeader("access-control-expose-headers", "mcp-session-id");
    res.setHeader("vary", "Origin");
  }
  return true;
}
function health(context, res) {
  const sessions = context.sessions.size + context.sseSessions.size;
  replyJson(res, `{"status":"ok","sessions":${sessions}}`);
}
async function dispatch(context, req, res, endpoint) {
  const method = req.method;
  if (endpoint === "mcp") {
    if (method === "POST") return handleStreamablePost(context, req, res);
    if (method === "GET") return handleStreamableGet(context, req, res);
    if (method === "DELETE") return handleStreamableDelete(context, req, res);
  } else if (endpoint === "sse" && method === "GET") {
    return openLegacySse(context, res);
  } else if (endpoint === "messages" && method === "POST") {
    const url = req.url ?? "";
    const query = url.indexOf("?");
    return postLegacyMessage(context, req, res, query === -1 ? "" : url.slice(query + 1));
  }
  const message = `Method not allowed: ${String(method)}`;
  replyError(res, 405, {
    code: JsonRpcCode.ServerError,
    message,
    headers: { allow: ALLOW[endpoint] }
  });
}
async function route(context, req, res) {
  if (context.closing) return replyError(res, 503, CLOSING2);
  if (!admit(context, req, res)) return;
  const url = req.url ?? "/";
  const query = url.indexOf("?");
  const endpoint = endpointOf(context, query === -1 ? url : url.slice(0, query));
  if (endpoint === void 0) return replyError(res, 404, NOT_FOUND);
  if (req.method === "OPTIONS") {
    const cors = res.hasHeader("access-control-allow-origin");
    return replyEmpty(
      res,
      204,
      cors ? { ...CORS_PREFLIGHT_HEADERS, allow: ALLOW[endpoint] } : { allow: ALLOW[endpoint] }
    );
  }
  if (endpoint === "health") {
    if (req.method === "GET") return health(context, res);
  } else if (!context.guards.authorized(req)) {
    context.options.logger.warn("Request refused: missing or wrong bearer token");
    return replyError(res, 401, UNAUTHORIZED);
  }
  return dispatch(context, req, res, endpoint);
}
function createRequestListener(context) {
  const logger = context.options.logger;
  return (req, res) => {
    route(context, req, res).catch((error) => {
      if (responseGone(res)) {
        logger.debug("HTTP client went away during a request", error);
        return;
      }
      logger.error("HTTP request failed", error);
      if (res.headersSent) res.destroy();
      else replyError(res, 500, { code: JsonRpcCode.InternalError, message: "Internal error" });
    });
  };
}

// src/server/requestGuards.ts
import { timingSafeEqual } from "node:crypto";
var LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];
var LOOPBACK_ORIGIN = /^https?:\/\/(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?$/i;
var BEARER_PREFIX = "bearer ";
function formatHost(host) {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}
function hostName(host) {
  if (host.startsWith("[")) {
    const end = host.indexOf("]");
    return end === -1 ? host : host.slice(0, end + 1);
  }
  const colon = host.indexOf(":");
  return colon === -1 ? host : host.slice(0, colon);
}
var RequestGuards = class {
  #options;
  /** Exact Host values accepted: the loopback names and the bound host, bare or with the port. */
  #exactHosts;
  /**
   * @param options - the resolved serve options
   * @param port - the bound port
   */
  constructor(options, port) {
    this.#options = options;
    this.#exactHosts = /* @__PURE__ */ new Set();
    const bound = formatHost(options.host.toLowerCase());
    const names = [...LOOPBACK_NAMES];
    if (bound !== "0.0.0.0" && bound !== "[::]") names.push(bound);
    for (const name of names) {
      this.#exactHosts.add(name);
      this.#exactHosts.add(`${name}:${port}`);
    }
  }
  /** Whether the Host header is acceptable (always true when the check is disabled). */
  hostAllowed(host) {
    if (!this.#options.hostCheck) return true;
    if (host === void 0) return false;
    if (this.#exactHosts.has(host)) return true;
    const lower = host.toLowerCase();
    if (this.#exactHosts.has(lower)) return true;
    const allowed = this.#options.allowedHosts;
    return allowed.size > 0 && (allowed.has(lower) || allowed.has(hostName(lower)));
  }
  /** Whether an Origin header is acceptable: absent, a loopback origin, or an allowed one. */
  originAllowed(origin) {
    if (origin === void 0 || !this.#options.hostCheck) return true;
    if (LOOPBACK_ORIGIN.test(origin)) return true;
    return this.#options.allowedOrigins.has(origin.toLowerCase());
  }
  /** Whether CORS headers are due for this (already accepted) origin. */
  corsAllowed(origin) {
    const cors = this.#options.cors;
    if (origin === void 0 || cors === false) return false;
    if (cors === true) return this.originAllowed(origin);
    return cors.has(origin.toLowerCase());
  }
  /** Whether the request carries the expected bearer token (always true without `authToken`). */
  authorized(req) {
    const expected = this.#options.authToken;
    if (expected === void 0) return true;
    const header = req.headers.authorization;
    if (header === void 0 || header.length <= BEARER_PREFIX.length) return false;
    if (header.slice(0, BEARER_PREFIX.length).toLowerCase() !== BEARER_PREFIX) return false;
    const given = Buffer.from(header.slice(BEARER_PREFIX.length).trim(), "utf8");
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
};

// src/server/sessionRegistry.ts
var SessionRegistry = class {
  #sessions = /* @__PURE__ */ new Map();
  #idleTimeoutMs;
  #logger;
  #sweep;
  /** @param options - idle timeout and logger */
  constructor(options) {
    this.#idleTimeoutMs = options.idleTimeoutMs;
    this.#logger = options.logger;
  }
  /** The number of open sessions. */
  get size() {
    return this.#sessions.size;
  }
  /** The session with this id, if open. */
  get(sessionId) {
    return this.#sessions.get(sessionId);
  }
  /** Registers an open session. */
  add(sessionId, session) {
    this.#sessions.set(sessionId, session);
    if (this.#idleTimeoutMs > 0 && this.#sweep === void 0) {
      const every = Math.min(Math.max(Math.floor(this.#idleTimeoutMs / 4), 10), 6e4);
      this.#sweep = setInterval(this.#closeIdle, every);
      this.#sweep.unref();
    }
  }
  /** Forgets a session (after it closed). */
  delete(sessionId) {
    this.#sessions.delete(sessionId);
    if (this.#sessions.size === 0) this.#stopSweep();
  }
  /** Closes every session and stops the sweep. */
  async closeAll() {
    const sessions = [...this.#sessions.values()];
    this.#sessions.clear();
    this.#stopSweep();
    await Promise.allSettled(sessions.map((session) => session.close()));
  }
  #stopSweep() {
    if (this.#sweep !== void 0) clearInterval(this.#sweep);
    this.#sweep = void 0;
  }
  #closeIdle = () => {
    const threshold = Date.now() - this.#idleTimeoutMs;
    for (const [sessionId, session] of this.#sessions) {
      if (session.busy || session.lastActive > threshold) continue;
      this.#logger.info(`Closing idle session: ${sessionId.slice(0, 8)}`);
      this.delete(sessionId);
      session.close().catch((error) => this.#logger.warn("Closing an idle session failed", error));
    }
  };
};

// src/server/serveHttp.ts
function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    const onError = (error) => {
      const message = `HTTP server cannot listen on: ${formatHost(host)}:${port}`;
      reject(new ProxyError("INVALID_CONFIG" /* InvalidConfig */, message, { cause: error }));
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve(server.address().port);
    });
  });
}
async function shutdown(server, context) {
  context.closing = true;
  const stopped = new Promise((resolve) => server.close(() => resolve()));
  await Promise.allSettled([
    context.sessions.closeAll(),
    context.sseSessions.closeAll(),
    ...[...context.statelessTransports].map((transport) => transport.close())
  ]);
  server.closeIdleConnections();
  await new Promise((resolve) => setImmediate(resolve));
  server.closeAllConnections();
  await stopped;
}
async function serveHttp(target, options = {}) {
  const resolved = resolveHttpOptions(options);
  const server = createServer({ keepAlive: true });
  const port = await listen(server, resolved.port, resolved.host);
  const registryOptions = { idleTimeoutMs: resolved.sessionIdleTimeoutMs, logger: resolved.logger };
  const context = {
    target,
    options: resolved,
    guards: new RequestGuards(resolved, port),
    sessions: new SessionRegistry(registryOptions),
    sseSessions: new SessionRegistry({ ...registryOptions, idleTimeoutMs: 0 }),
    statelessTransports: /* @__PURE__ */ new Set(),
    closing: false
  };
  server.on("request", createRequestListener(context));
  const base = `http://${formatHost(resolved.host)}:${port}`;
  resolved.logger.info(`Serving MCP over HTTP at: ${base}${resolved.path}`);
  let closing;
  const close = () => {
    closing ??= shutdown(server, context);
    return closing;
  };
  return {
    url: `${base}${resolved.path}`,
    sseUrl: resolved.sse ? `${base}${resolved.ssePath}` : void 0,
    host: resolved.host,
    port,
    sessionCount: () => context.sessions.size + context.sseSessions.size,
    close,
    [Symbol.asyncDispose]: close
  };
}

// .bench/split.ts
function echoServer() {
  const s = new McpServer({ name: "echo", version: "1" });
  s.registerTool("echo", { inputSchema: { text: z.string() } }, async ({ text }) => ({ content: [{ type: "text", text }] }));
  return s;
}
var mode = process.argv[2];
if (mode === "server") {
  const h = await serveHttp(() => echoServer(), { port: Number(process.argv[3]) });
  console.log(h.url);
  process.on("SIGTERM", async () => {
    await h.close();
    process.exit(0);
  });
} else {
  const url = process.argv[3];
  const dur = Number(process.argv[4] ?? 3e3);
  for (const n of [1, 16]) {
    const client = new Client({ name: "b", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    for (let i = 0; i < 300; i++) await client.callTool({ name: "echo", arguments: { text: "hi" } });
    let count = 0;
    const end = Date.now() + dur;
    const start = Date.now();
    await Promise.all(Array.from({ length: n }, async () => {
      while (Date.now() < end) {
        await client.callTool({ name: "echo", arguments: { text: "hi" } });
        count++;
      }
    }));
    console.log(n, "in flight:", Math.round(count * 1e3 / (Date.now() - start)), "calls/s");
    await client.close();
  }
}
