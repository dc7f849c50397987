// Express behind the udsproxy sidecar: a stock app, no chmod, no umask.
//
//   node server.js    # listens on $UDSPROXY_SOCKET (set by the injected sidecar), else on TCP 0.0.0.0:8080
//
//   GET /anything     200 "hello from example-express over unix, path /anything"
//
// The socket is created as Node creates it, 0755 under the runtime's umask 022. The sidecar runs as this
// container's user (the Deployment sets runAsUser), so it is the socket's owner and may connect.
'use strict';
const express = require('express');
const fs = require('fs');

const NAME = 'example-express';
// The port the Deployment declares: without a sidecar the app serves it itself.
const TCP_PORT = 8080;

const socket = process.env.UDSPROXY_SOCKET;
const transport = socket ? 'unix' : 'tcp';
const app = express();

app.use((req, res) => {
  res.type('text/plain').send(`hello from ${NAME} over ${transport}, path ${req.originalUrl}\n`);
});

function listening(where) {
  return (error) => {
    if (error) {
      console.error(`${NAME}: cannot listen on ${where}: ${error.message}`);
      process.exit(2);
    }
    console.error(`${NAME}: listening on ${where}`);
  };
}

let server;
if (socket) {
  // A socket file left by a crashed run makes listen() fail with EADDRINUSE.
  fs.rmSync(socket, { force: true });
  server = app.listen(socket, listening(`unix:${socket}`));
} else {
  console.error(`${NAME}: UDSPROXY_SOCKET is not set (no udsproxy sidecar), so TCP 0.0.0.0:${TCP_PORT}`);
  server = app.listen(TCP_PORT, '0.0.0.0', listening(`tcp:0.0.0.0:${TCP_PORT}`));
}

// The kubelet sends SIGTERM; Node removes the socket file when the server closes.
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
