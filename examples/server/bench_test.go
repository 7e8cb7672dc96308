package main

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/refletter/refletter/pdf"
)

// BenchmarkLetters64 posts letters from 64 concurrent clients to a
// loopback server and reports the latency percentiles a client sees, with
// the render limit ("limited", as served) and without it ("unlimited", as
// before the limit). Run it alone: go test -run - -bench Letters64 -benchtime 640x
func BenchmarkLetters64(b *testing.B) {
	const clients = 64
	body, err := os.ReadFile(goodFile)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		slots int
	}{{"unlimited", 1 << 16}, {"limited", 0}} {
		b.Run(c.name, func(b *testing.B) {
			r, err := pdf.NewRenderer()
			if err != nil {
				b.Fatal(err)
			}
			h := newHandler(r)
			if c.slots > 0 {
				h.slots = make(chan struct{}, c.slots)
			}
			srv := httptest.NewServer(accessLog(slog.New(slog.NewTextHandler(io.Discard, nil)), h))
			defer srv.Close()
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
			jobs := make(chan struct{})
			var mu sync.Mutex
			var lat []time.Duration
			busy := 0
			var wg sync.WaitGroup
			b.ResetTimer()
			for range clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range jobs {
						start := time.Now()
						resp, err := client.Post(srv.URL+"/v1/letters", "application/json", bytes.NewReader(body))
						if err != nil {
							b.Error(err)
							continue
						}
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						d := time.Since(start)
						mu.Lock()
						if resp.StatusCode == http.StatusServiceUnavailable {
							busy++
						} else {
							lat = append(lat, d)
						}
						mu.Unlock()
					}
				}()
			}
			for range b.N {
				jobs <- struct{}{}
			}
			close(jobs)
			wg.Wait()
			b.StopTimer()
			slices.Sort(lat)
			if len(lat) > 0 {
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			}
			b.ReportMetric(float64(busy), "busy-503")
		})
	}
}
