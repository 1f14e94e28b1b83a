package workbench

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// BenchmarkServerPipeline streams from a local client into the server
// panel's pipeline: engine → Server → Log (with a raw capture file) → View
// refreshed by a 30/s timer, as the panel runs it. It checks that the
// capture file holds every byte and reports MB/s and display refreshes/s.
// NETLAB_ENGINE picks the engine (default: auto, epoll on Linux).
func BenchmarkServerPipeline(b *testing.B) {
	name := os.Getenv("NETLAB_ENGINE")
	if name == "" {
		name = "auto"
	}
	b.Setenv("NETLAB_ENGINE", name)
	eng := engine(b)
	log := NewLog(200_000, 32<<20)
	path := filepath.Join(b.TempDir(), "capture.bin")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	log.StartCapture(f)
	srv := NewServer(eng, log)
	if err := srv.Start("127.0.0.1:0"); err != nil {
		b.Fatal(err)
	}
	defer srv.Stop()
	view := NewView()
	stop := make(chan struct{})
	var refreshes int
	var busy time.Duration
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the panel's timer: at most 30 refreshes a second
		defer wg.Done()
		t := time.NewTicker(time.Second / 30)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				t0 := time.Now()
				if view.Update(log) > 0 {
					refreshes++
					busy += time.Since(t0)
				}
			}
		}
	}()
	c, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		b.Fatal(err)
	}
	chunk := bytes.Repeat([]byte("GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), 64<<10/46)
	const perOp = 1 << 20
	b.SetBytes(perOp)
	b.ResetTimer()
	start := time.Now()
	var sent int64
	for i := 0; i < b.N; i++ {
		for n := 0; n < perOp; n += len(chunk) {
			m, err := c.Write(chunk[:min(len(chunk), perOp-n)])
			if err != nil {
				b.Fatal(err)
			}
			sent += int64(m)
		}
	}
	for i := 0; ; i++ {
		if rx, _ := log.Counters(); rx == sent {
			break
		}
		if i > 3000 {
			b.Fatalf("only %d of %d bytes arrived", func() int64 { rx, _ := log.Counters(); return rx }(), sent)
		}
		time.Sleep(time.Millisecond)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	c.Close()
	close(stop)
	wg.Wait()
	n, err := log.StopCapture()
	if err != nil {
		b.Fatal(err)
	}
	st, _ := os.Stat(path)
	if n != sent || st.Size() != sent {
		b.Fatalf("capture has %d bytes (file %d), sent %d", n, st.Size(), sent)
	}
	b.ReportMetric(float64(refreshes)/elapsed.Seconds(), "refreshes/s")
	if refreshes > 0 {
		b.ReportMetric(float64(busy.Microseconds())/float64(refreshes)/1000, "ms/refresh")
	}
	_, _, skipped := view.Trimmed()
	b.ReportMetric(float64(skipped)/float64(sent)*100, "%skipped-in-view")
}

// BenchmarkViewMillionLines measures turning 1,000,000 received lines into
// display lines (1,000 reads of 1,000 CR LF lines) with the default
// 200,000-line limit, then reading rows as a scrolled list does.
func BenchmarkViewMillionLines(b *testing.B) {
	var buf bytes.Buffer
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&buf, "line %06d: the quick brown fox 你好\r\n", i)
	}
	data := buf.Bytes()
	recs := make([]Record, 1000)
	for i := range recs {
		recs[i] = Record{Seq: uint64(i + 1), Time: time.Now(), Conn: 1, Peer: "127.0.0.1:50000", Dir: RX, Data: data}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		v := NewView()
		v.TickBytes = 0
		v.Append(recs, 0)
		n := v.Len()
		for k := 0; k < 100; k++ { // one screenful of rows at the end
			v.Row(n - 1 - k)
		}
		if tl, _, _ := v.Trimmed(); tl+int64(n) != 1_001_000 {
			b.Fatalf("lines %d + trimmed %d", n, tl)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ns/line")
}
