package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// echoResult is one cell of the echo table.
type echoResult struct {
	msgs      int64 // round trips completed in the measured window
	perSec    float64
	p50, p99  time.Duration
	bytesSent int64 // over the whole run, warm-up included
	bytesRecv int64
	bad       int64 // messages that came back different (lost, reordered)
	// cpuPerMsg is the server's CPU time per round trip in the measured
	// window: its cost per message, whatever the load generator costs.
	cpuPerMsg time.Duration
	sysShare  float64 // the part of it spent in the kernel
}

// window is called at the start and at the end of the measured window.
type window func()

// runEcho drives conns connections, each doing request/response round
// trips of size bytes for warm+dur, and measures the last dur. Every
// message carries its connection and sequence number and a random body;
// the echo must equal it byte for byte, so a lost, duplicated or reordered
// byte shows up as a bad message.
func runEcho(addr string, conns, size int, warm, dur time.Duration, mark window) (echoResult, error) {
	cs := make([]net.Conn, 0, conns)
	defer func() {
		for _, c := range cs {
			c.Close()
		}
	}()
	for range conns {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			return echoResult{}, fmt.Errorf("dial %d of %d: %w", len(cs)+1, conns, err)
		}
		cs = append(cs, c)
	}
	var (
		res      echoResult
		stop     atomic.Bool
		mu       sync.Mutex
		lats     []time.Duration
		firstErr error
		wg       sync.WaitGroup
	)
	start := time.Now()
	measureFrom, end := start.Add(warm), start.Add(warm+dur)
	time.AfterFunc(warm, mark)
	for i, c := range cs {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			msg := make([]byte, size)
			for j := range msg {
				msg[j] = byte(rng.Uint32())
			}
			got := make([]byte, size)
			var local []time.Duration
			var sent, recv, bad, n int64
			var err error
			_ = c.SetDeadline(end.Add(10 * time.Second))
			for seq := uint64(0); !stop.Load(); seq++ {
				if size >= 16 {
					binary.LittleEndian.PutUint64(msg, uint64(i))
					binary.LittleEndian.PutUint64(msg[8:], seq)
				}
				t0 := time.Now()
				if _, err = c.Write(msg); err != nil {
					break
				}
				sent += int64(size)
				var k int
				k, err = io.ReadFull(c, got)
				recv += int64(k)
				if err != nil {
					break
				}
				t1 := time.Now()
				if !bytes.Equal(got, msg) {
					bad++
				}
				if t1.After(measureFrom) && t1.Before(end) {
					local = append(local, t1.Sub(t0))
					n++
				}
				if t1.After(end) {
					break
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil && firstErr == nil {
				firstErr = err
			}
			lats = append(lats, local...)
			res.msgs += n
			res.bytesSent += sent
			res.bytesRecv += recv
			res.bad += bad
		})
	}
	time.Sleep(time.Until(end))
	mark()
	stop.Store(true)
	wg.Wait()
	if firstErr != nil {
		return res, firstErr
	}
	return res.finish(lats, dur)
}

// finish checks integrity (every byte sent came back, no message differed)
// and computes the rate and latency percentiles.
func (res echoResult) finish(lats []time.Duration, dur time.Duration) (echoResult, error) {
	if res.bytesSent != res.bytesRecv || res.bad != 0 {
		return res, fmt.Errorf("integrity: sent %d bytes, received %d, %d bad messages", res.bytesSent, res.bytesRecv, res.bad)
	}
	res.perSec = float64(res.msgs) / dur.Seconds()
	slices.Sort(lats)
	if len(lats) > 0 {
		res.p50 = lats[len(lats)/2]
		res.p99 = lats[len(lats)*99/100]
	}
	return res, nil
}
