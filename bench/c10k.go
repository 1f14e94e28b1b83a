package main

import (
	"fmt"
	"io"
	"net"
	"runtime"
	"sync"
	"time"
)

// c10kResult is one row of the idle-connection table.
type c10kResult struct {
	conns            int
	before, after    int64 // server RSS in KiB
	perConnBytes     float64
	establishSeconds float64
}

// runC10K opens n idle connections to addr, spread over several loopback
// source addresses (127.0.0.1 … 127.0.0.k) so one source's ephemeral ports
// are never the limit, and reports the server's RSS growth per connection.
// At the end every connection must still echo one byte: an idle connection
// that was silently dropped fails the run.
func runC10K(s *server, n, sources int) (c10kResult, error) {
	res := c10kResult{conns: n}
	runtime.GC()
	time.Sleep(300 * time.Millisecond)
	before, err := s.rssKiB()
	if err != nil {
		return res, err
	}
	res.before = before
	cs := make([]net.Conn, n)
	defer func() {
		for _, c := range cs {
			if c != nil {
				c.Close()
			}
		}
	}()
	t0 := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	sem := make(chan struct{}, 200) // bounded dial concurrency, no SYN floods
	for i := range n {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			src := &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(1+i%sources))}
			d := net.Dialer{LocalAddr: src, Timeout: 10 * time.Second}
			c, err := d.Dial("tcp", s.addr)
			if err != nil {
				errs <- err
				return
			}
			cs[i] = c
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return res, fmt.Errorf("dial: %w", err)
	}
	res.establishSeconds = time.Since(t0).Seconds()
	time.Sleep(time.Second) // let the server accept and settle
	after, err := s.rssKiB()
	if err != nil {
		return res, err
	}
	res.after = after
	res.perConnBytes = float64(after-before) * 1024 / float64(n)
	// Every connection still works, and echoes exactly one byte.
	errs = make(chan error, n)
	for i, c := range cs {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			_ = c.SetDeadline(time.Now().Add(20 * time.Second))
			b := []byte{byte(i)}
			if _, err := c.Write(b); err != nil {
				errs <- err
				return
			}
			if _, err := io.ReadFull(c, b); err != nil || b[0] != byte(i) {
				errs <- fmt.Errorf("conn %d: echo %v %v", i, b, err)
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return res, err
	}
	return res, nil
}
