// Command server is an HTTP wrapper around refletter: post a referral in
// its JSON form, get back the letter as PDF or text, or the eRS handoff for
// a two-week-wait case.
//
//	go run ./examples/server -addr 127.0.0.1:8080
//
//	POST /v1/letters  referral JSON -> 200 application/pdf (text/plain if Accept asks),
//	                  422 invalid, 409 two-week wait (problem+json with the handoff),
//	                  413 over 1 MiB, 415 not JSON;
//	                  ?copy=patient: the patient's copy (422 when none is due)
//	POST /v1/route    referral JSON -> 200 the route decision
//	GET  /v1/schema   the JSON Schema of the referral form
//	GET  /healthz     200 ok
//
// The access log holds method, path, status and duration only: never a
// body or a patient field.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/refletter/refletter/pdf"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen `address`")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, *addr, log, os.Stderr); err != nil {
		log.Error("server stopped", "err", err)
		os.Exit(1)
	}
}

// serve listens on addr and serves until ctx is done, then shuts down
// gracefully. It prints the address it listens on to out.
func serve(ctx context.Context, addr string, log *slog.Logger, out io.Writer) error {
	renderer, err := pdf.NewRenderer()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           accessLog(log, newHandler(renderer)),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(out, "listening on http://%s\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("server stopped")
	return nil
}
