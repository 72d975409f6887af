// The one request flow every vendor shares: auth, directives, injected failures, pacing,
// drops and hangs, and the request log. Vendors only supply the wire format (types.ts).
import type { Refusal } from './documents.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseDirectives } from './directives.ts';
import type { Defaults, Directives } from './directives.ts';
import { documentedBody } from './documented.ts';
import { Connection, readBody, sendJson } from './http.ts';
import { echoTokens, estimateTokens, planReply, replyTokens } from './reply.ts';
import type { LoggedRequest, RequestLog, RequestStatus } from './request-log.ts';
import type { ChatRequest, ErrorReply, ReplyIds, Route, Vendor } from './types.ts';

export interface ChatContext {
  vendor: Vendor;
  route: Route & { kind: 'chat' };
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
  log: RequestLog;
  defaults: Defaults;
  logId: string;
}

export async function handleChat(ctx: ChatContext): Promise<void> {
  const { vendor, route, req, res, log } = ctx;
  const startedAt = Date.now();
  const ids: ReplyIds = {
    requestId: `req_${ctx.logId}`,
    messageId: `${ctx.logId}_${startedAt.toString(36)}`,
    created: Math.floor(startedAt / 1000),
  };
  const baseHeaders = vendor.headers(ids);
  // Watch from the first byte: a client that leaves while its body is still arriving counts too.
  const conn = new Connection(res);

  const raw = await readBody(req);
  const body = parseJson(raw);
  const chat =
    body === undefined ? 'The request body is not valid JSON.' : vendor.parseChat(body, route, Buffer.byteLength(raw));
  const known = typeof chat === 'string' || 'status' in chat ? undefined : chat;
  const directives = known ? parseDirectives(known.lastUserText) : {};
  const entry = log.add({
    id: ctx.logId,
    vendor: vendor.name,
    model: known?.model ?? route.model ?? '',
    stream: known?.stream ?? route.stream ?? false,
    status: 'in_progress',
    httpStatus: null,
    tokensSent: 0,
    inputTokens: known
      ? estimateTokens(known.promptText, directives.cjk === 1) + (known.imageTokens ?? 0) + (known.documentTokens ?? 0)
      : 0,
    startedAt,
    endedAt: null,
    ...(directives.key ? { key: directives.key } : {}),
    messages: known?.messageCount ?? 0,
    ...(known && directives.prompt ? { prompt: known.promptText } : {}),
    system: known?.hasSystem ?? false,
    ...(known && Object.keys(known.sampling).length > 0 ? { sampling: known.sampling } : {}),
    ...(known?.offered ? { offered: known.offered } : {}),
    ...(known ? toolFields(known) : {}),
    ...(known?.documents?.length ? { documents: known.documents } : {}),
  });

  const reject = (reply: ErrorReply) => {
    sendJson(res, reply.status, reply.body, { ...baseHeaders, ...reply.headers });
    entry.httpStatus = reply.status;
    settle(entry, 'failed');
  };
  if (!vendor.hasApiKey(req.headers, ctx.query)) return reject(vendor.missingKey());
  if (!known) {
    const refusal = chat as string | Refusal;
    return reject(
      typeof refusal === 'string' ? vendor.error(400, refusal) : vendor.error(refusal.status, refusal.message),
    );
  }

  const { fail, failafter, failcount, retryafter } = directives;
  const failStatus =
    fail !== undefined && log.shouldFail(vendor.name, fail, directives.key ?? known.promptText, failcount)
      ? fail
      : undefined;
  // `failafter` moves the failure into the stream; a JSON reply can only fail upfront.
  if (failStatus !== undefined && (failafter === undefined || !known.stream)) {
    return reject(vendor.error(failStatus, undefined, retryafter));
  }

  const run: Run = { ctx, chat: known, directives, entry, ids, baseHeaders, startedAt, failStatus, conn };
  const reply = directives.documented ? replayDocumented : known.stream ? streamReply : completeReply;
  settle(entry, await reply(run));
}

interface Run {
  ctx: ChatContext;
  chat: ChatRequest;
  directives: Directives;
  entry: LoggedRequest;
  ids: ReplyIds;
  baseHeaders: Record<string, string>;
  startedAt: number;
  /** The injected error status when this attempt fails mid-stream. */
  failStatus: number | undefined;
  conn: Connection;
}

/** The tool and structured-output fields a request carried, for its log entry. */
function toolFields(chat: ChatRequest): Partial<LoggedRequest> {
  const { tools, toolChoice, responseFormat, toolResults } = chat;
  return Object.fromEntries(
    Object.entries({ tools, toolChoice, responseFormat, toolResults }).filter(([, value]) => value !== undefined),
  );
}

function settle(entry: LoggedRequest, status: RequestStatus): void {
  entry.status = status;
  entry.endedAt = Date.now();
}

function pacing(run: Run) {
  const { directives, ctx, chat } = run;
  const ttft = directives.ttft ?? ctx.defaults.ttft;
  const tps = directives.tps ?? ctx.defaults.tps;
  const count = Math.floor(directives.tokens ?? ctx.defaults.tokens);
  // A reply of tool calls has no text: the vendor's stream close carries the calls.
  const tokens = chat.toolCalls?.length
    ? []
    : chat.replyText !== undefined
      ? echoTokens(chat.replyText)
      : directives.echo
        ? echoTokens(chat.lastUserText)
        : replyTokens(ctx.vendor.name, count);
  const plan = planReply(tokens, chat.sampling.maxTokens, chat.sampling.stop ?? []);
  // A drop or hang past the end of the reply never happens: the reply completes first.
  const within = (n: number | undefined) => (n !== undefined && n <= plan.tokens.length ? n : undefined);
  const dropAt = within(directives.drop);
  const hangAt = within(directives.hang ? 0 : directives.hangafter);
  /** Milliseconds after the request arrived at which token `i` (0-based) is due. */
  const dueAt = (i: number) => run.startedAt + ttft + (tps > 0 ? (i * 1000) / tps : 0);
  return { plan, dropAt, hangAt, dueAt, inputTokens: run.entry.inputTokens };
}

async function streamReply(run: Run): Promise<RequestStatus> {
  const { ctx, conn, entry, directives, failStatus } = run;
  const { plan, dropAt, hangAt, dueAt, inputTokens } = pacing(run);
  const writer = ctx.vendor.streamWriter(run.chat, run.ids);
  const usage = (outputTokens: number) => ({ inputTokens, outputTokens });

  ctx.res.writeHead(200, {
    ...run.baseHeaders,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
  });
  entry.httpStatus = 200;
  ctx.res.flushHeaders();
  if (!(await conn.write(writer.open(usage(0))))) return 'client_closed';

  // One pass past the last token, so a drop or hang can also fall between the text and the closing events.
  for (let i = 0; i <= plan.tokens.length; i++) {
    if (i === dropAt) return drop(conn);
    if (i === hangAt) return conn.hang().then(() => 'client_closed' as const);
    if (failStatus !== undefined && i === directives.failafter) {
      await conn.write(writer.error(failStatus, 'Injected mid-stream failure from the fake upstream.'));
      ctx.res.end();
      return 'failed';
    }
    if (i === plan.tokens.length) break;
    if (!(await conn.sleep(dueAt(i) - Date.now()))) return 'client_closed';
    if (!(await conn.write(writer.delta(plan.tokens[i] ?? '', usage(i + 1))))) return 'client_closed';
    entry.tokensSent = i + 1;
  }
  const finish = {
    text: plan.tokens.join(''),
    stop: plan.stop,
    stopSequence: plan.stopSequence,
    usage: usage(plan.tokens.length),
  };
  if (!(await conn.write(writer.close(finish)))) return 'client_closed';
  ctx.res.end();
  return 'completed';
}

/**
 * `documented=1`: the vendor's documented example reply (of a function call, where the request
 * offers functions), byte for byte, in one write: its stream to a streamed request, its JSON body
 * to one that is not. Its text is the vendor's, not the demo reply, so pacing, length, drops and
 * hangs do not apply (an upfront `fail` still does) and `tokensSent` stays 0: the fake does not
 * read what it replays.
 */
async function replayDocumented(run: Run): Promise<RequestStatus> {
  const { ctx, conn, entry, chat } = run;
  const body = await documentedBody(
    ctx.vendor.name,
    chat.offersTools === true || chat.tools !== undefined || chat.offered !== undefined,
    chat.stream,
  );
  // The docs name both types without parameters; some vendors' own servers add `charset=utf-8`.
  const head = chat.stream
    ? { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' }
    : { 'content-type': 'application/json', 'content-length': String(body.length) };
  ctx.res.writeHead(200, { ...run.baseHeaders, ...head });
  entry.httpStatus = 200;
  if (!(await conn.write(body))) return 'client_closed';
  ctx.res.end();
  return 'completed';
}

async function completeReply(run: Run): Promise<RequestStatus> {
  const { ctx, conn, entry } = run;
  const { plan, dropAt, hangAt, dueAt, inputTokens } = pacing(run);
  const jsonHead = { ...run.baseHeaders, 'content-type': 'application/json' };

  if (hangAt !== undefined) {
    ctx.res.writeHead(200, jsonHead);
    entry.httpStatus = 200;
    ctx.res.flushHeaders();
    await conn.hang();
    return 'client_closed';
  }
  const emitted = dropAt ?? plan.tokens.length;
  if (!(await conn.sleep(dueAt(Math.max(emitted - 1, 0)) - Date.now()))) return 'client_closed';
  const finish = {
    text: plan.tokens.join(''),
    stop: plan.stop,
    stopSequence: plan.stopSequence,
    usage: { inputTokens, outputTokens: plan.tokens.length },
  };
  const completion = ctx.vendor.completion(run.chat, finish, run.ids);
  if (dropAt !== undefined) {
    const body = JSON.stringify(completion);
    ctx.res.writeHead(200, jsonHead);
    entry.httpStatus = 200;
    await conn.write(body.slice(0, Math.floor(body.length / 2)));
    entry.tokensSent = emitted;
    return drop(conn);
  }
  sendJson(ctx.res, 200, completion, run.baseHeaders);
  entry.httpStatus = 200;
  entry.tokensSent = plan.tokens.length;
  return 'completed';
}

/** Ends the TCP connection mid-body, after what was written has left, as a broken upstream would. */
async function drop(conn: Connection): Promise<RequestStatus> {
  const socket = conn.res.socket;
  if (socket && !socket.destroyed) {
    await Promise.race([new Promise<void>((resolve) => socket.end(resolve)), conn.gone]);
    socket.destroy();
  }
  return 'dropped';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
