"""FastAPI on uvicorn behind the udsproxy sidecar: a stock app, no chmod, no umask.

    python main.py    # listens on $UDSPROXY_SOCKET (set by the injected sidecar), else on TCP 0.0.0.0:8080

    GET /anything     200 "hello from example-fastapi over unix, path /anything"

uvicorn.run(app, uds=PATH) is what `uvicorn main:app --uds PATH` runs; this file picks the socket or the
TCP port from the env, which a command line in the Deployment cannot do when the variable is missing. uvicorn
itself makes the socket 0666; the sidecar also runs as this container's user (the Deployment sets runAsUser).
"""
import os
import sys

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse

NAME = "example-fastapi"
# The port the Deployment declares: without a sidecar the app serves it itself.
TCP_PORT = 8080
SOCKET = os.environ.get("UDSPROXY_SOCKET")
TRANSPORT = "unix" if SOCKET else "tcp"

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


@app.get("/{path:path}", response_class=PlainTextResponse)
async def hello(request: Request) -> str:
    target = request.url.path + ("?" + request.url.query if request.url.query else "")
    return f"hello from {NAME} over {TRANSPORT}, path {target}\n"


if __name__ == "__main__":
    if SOCKET:
        # asyncio removes a socket file left by a crashed run; SIGTERM stops uvicorn, which removes the file.
        uvicorn.run(app, uds=SOCKET)
    else:
        print(f"{NAME}: UDSPROXY_SOCKET is not set (no udsproxy sidecar), so TCP 0.0.0.0:{TCP_PORT}",
              file=sys.stderr, flush=True)
        uvicorn.run(app, host="0.0.0.0", port=TCP_PORT)
