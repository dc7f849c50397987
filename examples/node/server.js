// A tiny HTTP server for udsproxy, Node.js only (no packages):
//
//   node server.js                                   # listens on $UDSPROXY_SOCKET (set by the injected sidecar)
//   node server.js --socket /tmp/app.sock --tcp 127.0.0.1:8082
//
// In a Pod it listens only on the Unix domain socket; the udsproxy sidecar owns the TCP port.
'use strict';
const http = require('http');
const fs = require('fs');

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
  fail('no address: set UDSPROXY_SOCKET (the udsproxy sidecar injects it) or pass --socket PATH / --tcp HOST:PORT');
}

function handler(transport) {
  return (req, res) => {
    req.resume(); // drain any request body so keep-alive can continue
    req.on('end', () => {
      const body = `hello from example-node over ${transport}, path ${req.url}\n`;
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    });
  };
}

const servers = [];
if (socket) {
  // A socket file left by a previous run makes listen() fail with EADDRINUSE.
  try { fs.unlinkSync(socket); } catch (e) { if (e.code !== 'ENOENT') fail(`cannot remove stale ${socket}: ${e.message}`); }
  const server = http.createServer(handler('unix'));
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
  const server = http.createServer(handler('tcp'));
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
