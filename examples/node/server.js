// A tiny HTTP server for udsproxy, Node.js only (no packages):
//
//   node server.js                                   # listens on $UDSPROXY_SOCKET (set by the injected sidecar)
//   node server.js --socket /tmp/app.sock --tcp 127.0.0.1:8082
//
// In a Pod it listens only on the Unix domain socket; the udsproxy sidecar owns the TCP port. Without
// UDSPROXY_SOCKET (a Pod without the sidecar) it listens on TCP 0.0.0.0:8080 instead, so it still serves.
//
//   GET /anything              200 "hello from example-node over unix, path /anything"; with a PROXY
//                              protocol header (v1 or v2, udsproxy.dev/proxy-protocol) ", client IP:PORT" added
//   GET /egress/NAME/PATH      GET /PATH through the egress socket in $UDSPROXY_EGRESS_<NAME> (udsproxy.dev/egress);
//                              200 with the upstream's status line and body, 502 when there is no route or no answer
'use strict';
const http = require('http');
const net = require('net');
const fs = require('fs');

// Where the app listens when no sidecar set UDSPROXY_SOCKET: the port the manifests declare.
const DEFAULT_TCP = '0.0.0.0:8080';
const PROXY_V1 = Buffer.from('PROXY ', 'latin1');
const PROXY_V2 = Buffer.from('\r\n\r\n\0\r\nQUIT\n', 'latin1');
const EGRESS_TIMEOUT_MS = 10000;

function fail(message) {
  console.error(`example-node: ${message}`);
  process.exit(2);
}

let socket = process.env.UDSPROXY_SOCKET || null;
let tcp = null;
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--socket' && i + 1 < args.length) socket = args[++i];
  else if (args[i] === '--tcp' && i + 1 < args.length) tcp = args[++i];
  else fail(`unknown or incomplete argument '${args[i]}'; allowed: --socket PATH, --tcp HOST:PORT`);
}
if (!socket && !tcp) {
  // No sidecar in this Pod (not injected, or the webhook was down): serve the declared port ourselves.
  console.error(`example-node: UDSPROXY_SOCKET is not set (no udsproxy sidecar), so TCP ${DEFAULT_TCP}`);
  tcp = DEFAULT_TCP;
}

function respond(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function handler(transport) {
  return (req, res) => {
    req.resume(); // drain any request body so keep-alive can continue
    req.on('end', () => {
      if (req.url.startsWith('/egress/')) return egress(req.url, res);
      const client = req.socket.proxyClient ? `, client ${req.socket.proxyClient}` : '';
      respond(res, 200, `hello from example-node over ${transport}, path ${req.url}${client}\n`);
    });
  };
}

// GET /egress/NAME/PATH: GET /PATH to the TCP service behind the route NAME, through the socket the sidecar
// listens on for it. The env name is the injector's: UDSPROXY_EGRESS_ + NAME upper-cased, '-' as '_'.
function egress(url, res) {
  const rest = url.slice('/egress/'.length);
  const name = rest.includes('/') ? rest.slice(0, rest.indexOf('/')) : rest;
  const path = rest.slice(name.length) || '/';
  const env = `UDSPROXY_EGRESS_${name.toUpperCase().replace(/-/g, '_')}`;
  const socketPath = process.env[env];
  if (!socketPath) {
    return respond(res, 502, `egress ${name}: ${env} is not set: the Pod has no udsproxy.dev/egress route named ${name}\n`);
  }
  let connected = false;
  const upstream = http.request({ socketPath, path, agent: false, headers: { Host: name, Connection: 'close' } }, (answer) => {
    const chunks = [];
    answer.on('data', (chunk) => chunks.push(chunk));
    answer.on('end', () => respond(res, 200,
      `HTTP/${answer.httpVersion} ${answer.statusCode} ${answer.statusMessage}\n${Buffer.concat(chunks)}`));
  });
  upstream.on('socket', (s) => s.on('connect', () => { connected = true; }));
  upstream.setTimeout(EGRESS_TIMEOUT_MS, () => upstream.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
  upstream.on('error', (e) => {
    if (res.headersSent) return;
    if (e.code === 'TIMEOUT') respond(res, 504, `egress ${name}: no answer from unix:${socketPath} within ${EGRESS_TIMEOUT_MS / 1000} s\n`);
    else if (!connected) respond(res, 502, `egress ${name}: cannot connect to unix:${socketPath}: ${e.message}\n`);
    // The sidecar closes the socket without a byte when it cannot reach the service.
    else respond(res, 502, `egress ${name}: no HTTP answer through unix:${socketPath} (${e.message}; is the service up?)\n`);
  });
  upstream.end();
}

// 1: buf starts with prefix; 0: buf is shorter and all of it matches; -1: it does not.
function startsWith(buf, prefix) {
  const n = Math.min(buf.length, prefix.length);
  if (buf.compare(prefix, 0, n, 0, n) !== 0) return -1;
  return buf.length >= prefix.length ? 1 : 0;
}

// The PROXY protocol header the sidecar sends first when udsproxy.dev/proxy-protocol is v1 or v2:
// { length, client } once buf holds all of it ("IP:PORT", "[IP]:PORT" for IPv6, "unknown" when the header
// names none), { length: 0, client: null } when the connection starts without one, null while undecided.
function proxyHeader(buf) {
  const v1 = startsWith(buf, PROXY_V1);
  const v2 = startsWith(buf, PROXY_V2);
  if (v1 > 0) { // "PROXY TCP4 10.244.0.7 10.244.0.9 51234 8080\r\n", at most 107 bytes
    const end = buf.indexOf('\r\n');
    if (end < 0) {
      if (buf.length > 107) throw new Error('PROXY v1 header without CRLF within 107 bytes');
      return null;
    }
    const f = buf.toString('latin1', 0, end).split(' ');
    const client = f[1] === 'TCP4' ? `${f[2]}:${f[4]}` : f[1] === 'TCP6' ? `[${f[2]}]:${f[4]}` : 'unknown';
    return { length: end + 2, client };
  }
  if (v2 > 0) { // signature, version/command, family, length, then the addresses (binary, network order)
    if (buf.length < 16 || buf.length < 16 + buf.readUInt16BE(14)) return null;
    if (buf[12] >> 4 !== 2) throw new Error(`PROXY v2 header with version ${buf[12] >> 4}`);
    const proxied = (buf[12] & 0x0f) === 1; // else LOCAL: the proxy's own connection
    let client = 'unknown';
    if (proxied && buf[13] >> 4 === 1) client = `${[...buf.subarray(16, 20)].join('.')}:${buf.readUInt16BE(24)}`;
    if (proxied && buf[13] >> 4 === 2) {
      const groups = [];
      for (let i = 0; i < 8; i++) groups.push(buf.readUInt16BE(16 + 2 * i).toString(16));
      client = `[${groups.join(':')}]:${buf.readUInt16BE(48)}`;
    }
    return { length: 16 + buf.readUInt16BE(14), client };
  }
  // Too few bytes to tell "PROXY " from "POST /": wait for more. Neither: a plain HTTP request.
  return v1 < 0 && v2 < 0 ? { length: 0, client: null } : null;
}

// Reads the PROXY header (if any) off each connection before the HTTP server sees it.
function serve(transport) {
  const server = http.createServer(handler(transport));
  const listener = net.createServer((conn) => {
    let buffered = Buffer.alloc(0);
    const onData = (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      let header;
      try {
        header = proxyHeader(buffered);
      } catch (e) {
        console.error(`example-node: closing a connection: ${e.message}`);
        return conn.destroy();
      }
      if (header === null) return;
      conn.removeListener('data', onData);
      conn.pause();
      conn.proxyClient = header.client;
      if (buffered.length > header.length) conn.unshift(buffered.subarray(header.length));
      server.emit('connection', conn);
      conn.resume();
    };
    conn.on('data', onData);
    conn.on('error', () => {}); // a reset before the HTTP server took over ends this connection only
  });
  return listener;
}

const servers = [];
if (socket) {
  // A socket file left by a previous run makes listen() fail with EADDRINUSE.
  try { fs.unlinkSync(socket); } catch (e) { if (e.code !== 'ENOENT') fail(`cannot remove stale ${socket}: ${e.message}`); }
  const server = serve('unix');
  server.on('error', (e) => fail(`cannot listen on unix:${socket}: ${e.message}`));
  // 0660: the sidecar shares our group; nobody else in the Pod may connect. The umask makes the
  // socket file appear with that mode, so there is no moment where anyone may connect.
  const umask = process.umask(0o117);
  server.listen(socket, () => {
    process.umask(umask);
    fs.chmodSync(socket, 0o660);
    console.error(`example-node: listening on unix:${socket}`);
  });
  servers.push(server);
}
if (tcp) {
  const colon = tcp.lastIndexOf(':');
  if (colon < 0) fail(`--tcp '${tcp}' is not HOST:PORT`);
  const server = serve('tcp');
  server.on('error', (e) => fail(`cannot listen on tcp:${tcp}: ${e.message}`));
  server.listen(Number(tcp.slice(colon + 1)), tcp.slice(0, colon), () => console.error(`example-node: listening on tcp:${tcp}`));
  servers.push(server);
}

// The kubelet sends SIGTERM; Node removes the socket file when the server closes.
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    servers.forEach((s) => s.close());
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
