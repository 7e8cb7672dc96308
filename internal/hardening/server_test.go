package hardening

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// server is a running examples/server process on a loopback port.
type server struct {
	cmd  *exec.Cmd
	addr string // host:port
	done chan struct{}
	err  error // the process's exit, once done is closed

	mu  sync.Mutex
	log bytes.Buffer
}

// startServer starts the example server on 127.0.0.1 and a free port, and
// stops it (killing it if need be) when the test ends.
func startServer(t *testing.T) *server {
	t.Helper()
	s := &server{cmd: exec.Command(bin.server, "-addr", "127.0.0.1:0"), done: make(chan struct{})}
	stderr, err := s.cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, s.cmd.Start())
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			l := sc.Text()
			if a, ok := strings.CutPrefix(l, "listening on http://"); ok {
				addr <- a
			}
			s.mu.Lock()
			s.log.WriteString(l + "\n")
			s.mu.Unlock()
		}
		io.Copy(io.Discard, stderr)
		s.err = s.cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		select {
		case <-s.done:
		default:
			s.cmd.Process.Kill()
			<-s.done
		}
	})
	select {
	case s.addr = <-addr:
	case <-s.done:
		t.Fatalf("the server stopped: %v\n%s", s.err, s.logText())
	case <-time.After(caseTimeout):
		t.Fatalf("the server did not start within %s", caseTimeout)
	}
	return s
}

func (s *server) url(path string) string { return "http://" + s.addr + path }

func (s *server) logText() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.String()
}

// stop interrupts the server (its context is cancelled, as by Ctrl-C) and
// returns its exit code once it has stopped.
func (s *server) stop(t *testing.T, within time.Duration) int {
	t.Helper()
	require.NoError(t, s.cmd.Process.Signal(os.Interrupt))
	return s.wait(t, within)
}

func (s *server) wait(t *testing.T, within time.Duration) int {
	t.Helper()
	select {
	case <-s.done:
	case <-time.After(within):
		t.Fatalf("the server did not stop within %s", within)
	}
	var ee *exec.ExitError
	if errors.As(s.err, &ee) {
		return ee.ExitCode()
	}
	require.NoError(t, s.err)
	return 0
}

// stopped reports whether the server process has exited.
func (s *server) stopped() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// rawConn opens a plain TCP connection to the server.
func (s *server) rawConn(t *testing.T) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", s.addr, caseTimeout)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

// The server's timeouts (examples/server/main.go).
const (
	serverReadHeaderTimeout = 5 * time.Second
	serverReadTimeout       = 15 * time.Second
)

// TestServerStalledBody: a client that sends its headers and part of the
// body and then stalls is cut off once the server's ReadTimeout has
// passed, with a 400 problem answer; other clients are served meanwhile.
func TestServerStalledBody(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	// The clock starts before the connection, and so before the
	// server's timer.
	start := time.Now()
	c := s.rawConn(t)
	_, err := io.WriteString(c, "POST /v1/letters HTTP/1.1\r\nHost: hardening\r\nContent-Type: application/json\r\n"+
		"Content-Length: 4000\r\n\r\n{\"priority\": \"rou")
	require.NoError(t, err)

	// Meanwhile the server answers others.
	resp, err := http.Get(s.url("/healthz"))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	require.NoError(t, c.SetReadDeadline(time.Now().Add(serverReadTimeout+10*time.Second)))
	r := bufio.NewReader(c)
	resp, err = http.ReadResponse(r, nil)
	elapsed := time.Since(start)
	require.NoError(t, err, "after %s", elapsed)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s", body)
	assert.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"))
	assert.GreaterOrEqual(t, elapsed, serverReadTimeout-time.Second)
	assert.Less(t, elapsed, serverReadTimeout+5*time.Second)
	t.Logf("stalled body cut off after %s", elapsed.Round(time.Millisecond))

	// The connection is closed after the answer.
	_, err = r.ReadByte()
	assert.Error(t, err, "the connection stays open")
	assert.Equal(t, 0, s.stop(t, caseTimeout))
}

// TestServerStalledHeaders: a client that sends part of its headers and
// stalls is disconnected after ReadHeaderTimeout.
func TestServerStalledHeaders(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	// The clock starts before the connection, and so before the
	// server's timer.
	start := time.Now()
	c := s.rawConn(t)
	_, err := io.WriteString(c, "POST /v1/letters HTTP/1.1\r\nHost: hard")
	require.NoError(t, err)
	require.NoError(t, c.SetReadDeadline(time.Now().Add(serverReadHeaderTimeout+10*time.Second)))
	_, err = io.ReadAll(c)
	elapsed := time.Since(start)
	var ne net.Error
	require.False(t, errors.As(err, &ne) && ne.Timeout(), "still connected after %s", elapsed)
	assert.GreaterOrEqual(t, elapsed, serverReadHeaderTimeout-time.Second)
	assert.Less(t, elapsed, serverReadHeaderTimeout+5*time.Second)
	t.Logf("stalled headers cut off after %s", elapsed.Round(time.Millisecond))
	assert.Equal(t, 0, s.stop(t, caseTimeout))
}

// TestServerGracefulShutdown: interrupting the server while a request is
// in flight stops new connections at once, finishes the request with its
// full answer, and then exits 0.
func TestServerGracefulShutdown(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	doc, err := os.ReadFile("../../testdata/referrals/cardiology-palpitations.json")
	require.NoError(t, err)
	c := s.rawConn(t)
	_, err = io.WriteString(c, "POST /v1/letters HTTP/1.1\r\nHost: hardening\r\nContent-Type: application/json\r\n"+
		"Accept: text/plain\r\nContent-Length: "+itoa(len(doc))+"\r\n\r\n")
	require.NoError(t, err)
	_, err = c.Write(doc[:100])
	require.NoError(t, err)
	time.Sleep(300 * time.Millisecond) // the handler is now reading the body

	require.NoError(t, s.cmd.Process.Signal(syscall.SIGTERM))
	require.Eventually(t, func() bool {
		c2, err := net.DialTimeout("tcp", s.addr, time.Second)
		if err == nil {
			c2.Close()
		}
		return err != nil
	}, caseTimeout, 20*time.Millisecond, "the listener is still open")
	assert.False(t, s.stopped(), "the server stopped with a request in flight")

	_, err = c.Write(doc[100:])
	require.NoError(t, err)
	require.NoError(t, c.SetReadDeadline(time.Now().Add(caseTimeout)))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "text/plain; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Contains(t, string(body), "Yours sincerely")
	c.Close()

	assert.Equal(t, 0, s.wait(t, caseTimeout))
	assert.Contains(t, s.logText(), "server stopped")
}

func itoa(n int) string { return strconv.Itoa(n) }
