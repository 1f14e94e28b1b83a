package main

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/netlab-classroom/netlab/netengine"
)

// The event-driven load generator: every connection is a small state
// machine on NetLab's epoll engine, not a goroutine. It costs far less CPU
// than a goroutine per client connection, which matters on a small machine
// where client and server share the cores: what is left shows the servers'
// own differences. Same protocol and checks as the goroutine client.

type engineClientConn struct {
	id      uint64
	msg     []byte
	got     int // bytes of the current echo received and checked
	seq     uint64
	t0      time.Time
	lats    []time.Duration
	n       int64 // round trips in the measured window
	sent    int64
	recv    int64
	bad     int64
	stopped bool
	done    func()
}

func runEchoEngine(engName, addr string, conns, size int, warm, dur time.Duration, mark window) (echoResult, error) {
	eng, err := netengine.New(engName)
	if err != nil {
		return echoResult{}, err
	}
	defer eng.Close()
	var (
		stop        atomic.Bool
		wg          sync.WaitGroup
		measureFrom time.Time
		end         time.Time
		failed      atomic.Value
	)
	send := func(c netengine.Conn, st *engineClientConn) {
		if size >= 16 {
			binary.LittleEndian.PutUint64(st.msg, st.id)
			binary.LittleEndian.PutUint64(st.msg[8:], st.seq)
		}
		st.seq++
		st.t0 = time.Now()
		st.sent += int64(size)
		_ = c.Write(st.msg)
	}
	h := netengine.HandlerFuncs{
		Data: func(c netengine.Conn, p []byte) {
			st := c.Context().(*engineClientConn)
			st.recv += int64(len(p))
			if st.got+len(p) > size || string(p) != string(st.msg[st.got:st.got+len(p)]) {
				st.bad++
				st.got = (st.got + len(p)) % size
				return
			}
			st.got += len(p)
			if st.got < size {
				return
			}
			st.got = 0
			t1 := time.Now()
			if t1.After(measureFrom) && t1.Before(end) {
				st.lats = append(st.lats, t1.Sub(st.t0))
				st.n++
			}
			if stop.Load() || t1.After(end) {
				st.stopped = true
				st.done()
				return
			}
			send(c, st)
		},
		Close: func(c netengine.Conn, reason netengine.CloseReason, err error) {
			st, _ := c.Context().(*engineClientConn)
			if st != nil && !st.stopped {
				failed.Store(fmt.Errorf("connection closed mid-run: %s %v", reason, err))
				st.stopped = true
				st.done()
			}
		},
	}
	states := make([]*engineClientConn, conns)
	cs := make([]netengine.Conn, conns)
	for i := range conns {
		c, err := eng.Dial("tcp", addr, h, 5*time.Second, netengine.Options{})
		if err != nil {
			return echoResult{}, fmt.Errorf("dial %d of %d: %w", i+1, conns, err)
		}
		rng := rand.New(rand.NewPCG(uint64(i), 7))
		st := &engineClientConn{id: uint64(i), msg: make([]byte, size), done: wg.Done}
		for j := range st.msg {
			st.msg[j] = byte(rng.Uint32())
		}
		c.SetContext(st)
		states[i], cs[i] = st, c
	}
	start := time.Now()
	measureFrom, end = start.Add(warm), start.Add(warm+dur)
	time.AfterFunc(warm, mark)
	wg.Add(conns)
	for i, c := range cs {
		send(c, states[i])
	}
	time.Sleep(time.Until(end))
	mark()
	stop.Store(true)
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(20 * time.Second):
		return echoResult{}, fmt.Errorf("echoes still missing 20 s after the end")
	}
	if err, _ := failed.Load().(error); err != nil {
		return echoResult{}, err
	}
	var res echoResult
	var lats []time.Duration
	for _, st := range states {
		res.msgs += st.n
		res.bytesSent += st.sent
		res.bytesRecv += st.recv
		res.bad += st.bad
		lats = append(lats, st.lats...)
	}
	return res.finish(lats, dur)
}
