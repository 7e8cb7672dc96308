package main

import (
	"log/slog"
	"net/http"
	"time"
)

// statusClientClosed is logged for a request whose client went away
// before it was answered (nginx's 499); it is never sent.
const statusClientClosed = 499

// loggedPaths maps each route pattern to the path the access log records.
var loggedPaths = func() map[string]string {
	m := map[string]string{}
	for _, rt := range routes {
		m[rt.method+" "+rt.path] = rt.path
		m[rt.path] = rt.path // the route's 405 answer
	}
	return m
}()

// accessLog logs method, matched route, status and duration of each
// request, and nothing else: no body, query or header that could hold
// patient data. The path logged is the pattern of the route that matched,
// or "-": never the path the client sent, which may hold anything.
func accessLog(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		path, ok := loggedPaths[r.Pattern]
		if !ok {
			path = "-"
		}
		if !sw.wrote && r.Context().Err() != nil {
			sw.status = statusClientClosed
		}
		method := r.Method
		if !knownMethod(method) {
			method = "-"
		}
		log.Info("request", "method", method, "path", path, "status", sw.status, "duration", time.Since(start).Round(time.Microsecond))
	})
}

// knownMethod reports whether m is a standard HTTP method; any other
// token a client sent is not logged.
func knownMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodTrace, http.MethodConnect:
		return true
	}
	return false
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
