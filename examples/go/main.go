// Go net/http behind the udsproxy sidecar: a stock server, no chmod, no umask.
//
//	go build -o server . && ./server   # listens on $UDSPROXY_SOCKET (set by the injected sidecar), else TCP :8080
//
//	GET /anything   200 "hello from example-go over unix, path /anything"
//
// net.Listen("unix", ...) creates the socket 0755 under the runtime's umask 022. The sidecar runs as this
// container's user (the Deployment sets runAsUser), so it is the socket's owner and may connect.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

const name = "example-go"

// The port the Deployment declares: without a sidecar the app serves it itself.
const tcpAddress = "0.0.0.0:8080"

func main() {
	log.SetFlags(0)
	log.SetPrefix(name + ": ")
	socket := os.Getenv("UDSPROXY_SOCKET")
	network, address, transport := "unix", socket, "unix"
	if socket == "" {
		log.Printf("UDSPROXY_SOCKET is not set (no udsproxy sidecar), so TCP %s", tcpAddress)
		network, address, transport = "tcp", tcpAddress, "tcp"
	} else if err := os.Remove(socket); err != nil && !errors.Is(err, os.ErrNotExist) {
		// A socket file left by a crashed run makes Listen fail with "address already in use".
		log.Fatalf("cannot remove stale %s: %v", socket, err)
	}
	listener, err := net.Listen(network, address)
	if err != nil {
		log.Fatalf("cannot listen on %s:%s: %v", network, address, err)
	}
	log.Printf("listening on %s:%s", network, address)

	server := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			fmt.Fprintf(w, "hello from %s over %s, path %s\n", name, transport, r.URL.RequestURI())
		}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	// The kubelet sends SIGTERM: finish what is in flight, then exit (Close removes the socket file).
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, os.Interrupt)
	go func() {
		<-stop
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = server.Shutdown(ctx)
	}()
	if err := server.Serve(listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatalf("serving: %v", err)
	}
}
