// Command server is an HTTP wrapper around refletter: post a referral in
// its JSON form, get back the letter as PDF or text, or the eRS handoff for
// a two-week-wait case.
//
//	go run ./examples/server -addr 127.0.0.1:8080
//
//	POST /v1/letters     referral JSON -> 200 application/pdf, or text/plain
//	                     as Accept (with q-values) prefers; 406 neither
//	                     acceptable; 400 not JSON; 422 invalid; 409
//	                     two-week wait (the handoff); 413 over 1 MiB; 415
//	                     not sent as JSON; 503 busy (Retry-After);
//	                     ?copy=patient: the patient's copy, in the format
//	                     the referral asks for (422 when none is due, 400
//	                     another value)
//	POST /v1/route       referral JSON -> 200 the route decision with its
//	                     warnings; 400, 422, 413, 415 as above
//	POST /v1/replies     {"referral": ..., "returned": ...} -> 200 the
//	                     reply to a returned referral, then the original
//	                     letter (?original=false: the reply alone), as
//	                     application/pdf or text/plain as for /v1/letters;
//	                     errors as for /v1/letters, with 422 for an invalid
//	                     request and 413 over 2 MiB (1 MiB a document)
//	GET  /v1/schema      the JSON Schema of the referral
//	GET  /v1/openapi.json the OpenAPI 3.1 document of this API
//	GET  /healthz        200 ok
//
// Errors, 404 and 405 included, are RFC 9457 problem documents whose type
// links to docs/problems.md. Decide's warnings, and the PDF renderer's,
// come with a letter or reply in Refletter-Warning headers ("PATH: MESSAGE
// (CODE)"), and never hold patient data. Letters, replies and handoffs
// carry Cache-Control: no-store; letters and replies a file name that
// holds no patient data.
//
// At most 2 x GOMAXPROCS letters or replies are composed and rendered at
// once. A request's body is read and checked first; the request then waits
// for a turn, in the order requests become ready, for up to 2 seconds, and
// gets 503 with Retry-After: 1 if none comes. Its answer is sent after its
// turn ends, so a client slow to read holds no turn. The server allows 5
// seconds to read a request's headers, 15 seconds for the whole request,
// 30 seconds to write the answer, and keeps an idle connection 60 seconds.
//
// The access log holds method, matched route, status and duration only:
// never a body, the path the client sent, or a patient field. A client that
// goes away before its answer is logged with status 499.
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
