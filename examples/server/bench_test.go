package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/internal/cputime"
	"github.com/refletter/refletter/pdf"
	"github.com/refletter/refletter/referral"
)

// benchReferrals returns the JSON of every referral in testdata/referrals
// that takes the letter path (all but 2ww-*): distinct letters, as a
// server sees them.
func benchReferrals(tb testing.TB) [][]byte {
	tb.Helper()
	names, err := filepath.Glob("../../testdata/referrals/*.json")
	require.NoError(tb, err)
	var out [][]byte
	for _, n := range names {
		if strings.HasPrefix(filepath.Base(n), "2ww-") {
			continue
		}
		js, err := os.ReadFile(n)
		require.NoError(tb, err)
		out = append(out, js)
	}
	require.GreaterOrEqual(tb, len(out), 10)
	return out
}

// inProcess does the work of n POST /v1/letters, without HTTP, on
// workers goroutines: Decode, Compose, Decide (for the warnings) and
// RenderAll of letters from to from+n-1 of refs, in turn. It returns the
// wall time.
func inProcess(r *pdf.Renderer, refs [][]byte, from, n, workers int) (time.Duration, error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, workers)
	start := time.Now()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				ref, err := referral.Decode(bytes.NewReader(refs[(from+i)%len(refs)]))
				if err != nil {
					errs[w] = err
					return
				}
				l, err := referral.Compose(ref)
				if err != nil {
					errs[w] = err
					return
				}
				_ = referral.Decide(ref).Warnings
				var buf bytes.Buffer
				if _, err := r.RenderAll(&buf, l); err != nil {
					errs[w] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	d := time.Since(start)
	for _, err := range errs {
		if err != nil {
			return d, err
		}
	}
	return d, nil
}

// TestInProcess checks that the benchmark's referrals all become letters,
// and that inProcess reports a referral that does not.
func TestInProcess(t *testing.T) {
	r, err := pdf.NewRenderer()
	require.NoError(t, err)
	refs := benchReferrals(t)
	_, err = inProcess(r, refs, 0, len(refs), 2)
	require.NoError(t, err)
	tww, err := os.ReadFile(twwFile)
	require.NoError(t, err)
	_, err = inProcess(r, [][]byte{tww}, 0, 1, 1)
	require.Error(t, err, "a two-week-wait case is no letter")
}

// BenchmarkLetters64 posts distinct letters (benchReferrals, in turn)
// from 64 concurrent clients to a loopback server, with the render limit
// ("limited", as served) and without it ("unlimited"), and sets beside it
// the same letters done in-process by GOMAXPROCS goroutines. An operation
// is one letter served. On a shared machine the load changes from second
// to second, so the two alternate in rounds of benchRound letters a client.
// It reports:
//   - p50-ms, p99-ms, p99/p50: the latency a client sees, request sent to
//     answer read, once the queue is full (a client's first request of a
//     round, sent while the queue fills, is not counted unless it fails);
//     a 503 counts as slower than every letter, so shedding load never
//     improves a percentile;
//   - letters/s: letters served (200) a second of wall time;
//     inproc-letters/s: the in-process rate; served/inproc: the median
//     over the rounds of the ratio of the two;
//   - cpu-ms/letter and inproc-cpu-ms/letter: the process's CPU time a
//     letter (the clients' share included when served);
//   - busy-503: requests answered 503. Any other failure fails the
//     benchmark.
//
// Run it alone: go test -run - -bench Letters64 -benchtime 1920x
func BenchmarkLetters64(b *testing.B) {
	const clients = 64
	refs := benchReferrals(b)
	for _, c := range []struct {
		name  string
		slots int
	}{{"unlimited", 1 << 16}, {"limited", 0}} {
		b.Run(c.name, func(b *testing.B) {
			r, err := pdf.NewRenderer()
			require.NoError(b, err)
			h := newHandler(r)
			if c.slots > 0 {
				h.slots = make(chan struct{}, c.slots)
			}
			srv := httptest.NewServer(accessLog(slog.New(slog.NewTextHandler(io.Discard, nil)), h))
			defer srv.Close()
			// Each client keeps one connection and speaks HTTP/1.1 on it
			// itself, with net/http's request writer and response reader:
			// the clients share the server's two cores, and http.Transport's
			// two goroutines a connection would take more of them than a
			// client on its own machine does.
			conns := make([]*benchConn, clients)
			for k := range conns {
				conns[k], err = dialBench(srv.Listener.Addr().String())
				require.NoError(b, err)
				defer conns[k].Close()
			}
			var (
				mu   sync.Mutex
				lat  []time.Duration
				ok   int
				busy int
			)
			// serve posts n letters, starting at letter from, and records
			// what the clients see.
			serve := func(from, n int) {
				var next atomic.Int64
				var wg sync.WaitGroup
				for _, conn := range conns {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for first := true; ; first = false {
							i := int(next.Add(1) - 1)
							if i >= n {
								return
							}
							start := time.Now()
							status, err := conn.post(srv.URL+"/v1/letters", refs[(from+i)%len(refs)])
							d := time.Since(start)
							if err != nil {
								b.Error(err)
								return
							}
							mu.Lock()
							switch status {
							case http.StatusOK:
								ok++
								if !first {
									lat = append(lat, d)
								}
							case http.StatusServiceUnavailable:
								busy++
								lat = append(lat, time.Duration(math.MaxInt64))
							default:
								b.Errorf("letter %d: status %d", (from+i)%len(refs), status)
							}
							mu.Unlock()
						}
					}()
				}
				wg.Wait()
			}
			// Warm both: the renderer's pools, and each connection.
			_, err = inProcess(r, refs, 0, 2*len(refs), runtime.GOMAXPROCS(0))
			require.NoError(b, err)
			serve(0, clients)
			lat, ok, busy = nil, 0, 0
			runtime.GC()
			var wall, in, cpu, inCPU time.Duration
			var ratios []float64 // served/inproc, a round
			b.ResetTimer()
			for from := 0; from < b.N; from += benchRound * clients {
				n := min(benchRound*clients, b.N-from)
				b.StopTimer()
				c0 := cpuNow()
				d, err := inProcess(r, refs, from, n, runtime.GOMAXPROCS(0))
				require.NoError(b, err)
				in += d
				inCPU += cpuNow() - c0
				b.StartTimer()
				ok0 := ok
				c0, start := cpuNow(), time.Now()
				serve(from, n)
				dw := time.Since(start)
				wall += dw
				cpu += cpuNow() - c0
				ratios = append(ratios, float64(ok-ok0)/dw.Seconds()/(float64(n)/d.Seconds()))
			}
			b.StopTimer()
			if ok+busy != b.N {
				b.Fatalf("%d of %d requests answered", ok+busy, b.N)
			}
			if len(lat) == 0 {
				return // too few letters for a full queue (the first, probing run)
			}
			slices.Sort(lat)
			p50, p99 := lat[len(lat)/2], lat[len(lat)*99/100]
			inRate := float64(b.N) / in.Seconds()
			rate := float64(ok) / wall.Seconds()
			b.ReportMetric(ms(p50), "p50-ms")
			b.ReportMetric(ms(p99), "p99-ms")
			b.ReportMetric(ms(p99)/ms(p50), "p99/p50")
			b.ReportMetric(rate, "letters/s")
			b.ReportMetric(inRate, "inproc-letters/s")
			slices.Sort(ratios)
			b.ReportMetric(ratios[len(ratios)/2], "served/inproc")
			b.ReportMetric(ms(cpu)/float64(b.N), "cpu-ms/letter")
			b.ReportMetric(ms(inCPU)/float64(b.N), "inproc-cpu-ms/letter")
			b.ReportMetric(float64(busy), "busy-503")
		})
	}
}

// benchConn is a benchmark client's keep-alive connection.
type benchConn struct {
	net.Conn
	r *bufio.Reader
	w *bufio.Writer
}

func dialBench(addr string) (*benchConn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &benchConn{Conn: c, r: bufio.NewReaderSize(c, 64<<10), w: bufio.NewWriterSize(c, 16<<10)}, nil
}

// post sends body as JSON to url and reads the whole answer, returning
// its status.
func (c *benchConn) post(url string, body []byte) (int, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if err := req.Write(c.w); err != nil {
		return 0, err
	}
	if err := c.w.Flush(); err != nil {
		return 0, err
	}
	resp, err := http.ReadResponse(c.r, req)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err == nil && resp.Close {
		err = errors.New("the server closed the connection")
	}
	return resp.StatusCode, err
}

// benchRound is how many letters each client posts in a round of
// BenchmarkLetters64.
const benchRound = 3

// ms is d in milliseconds, +Inf for a request that got no letter.
func ms(d time.Duration) float64 {
	if d == time.Duration(math.MaxInt64) {
		return math.Inf(1)
	}
	return float64(d.Microseconds()) / 1000
}

// cpuNow is the process's CPU time so far (0 where the system cannot
// tell).
func cpuNow() time.Duration {
	d, _ := cputime.Used()
	return d
}
