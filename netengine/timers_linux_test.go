package netengine

import (
	"io"
	"math/rand/v2"
	"net"
	"testing"
	"time"
)

func TestTimerHeapOrder(t *testing.T) {
	var h timerHeap
	if h.next() != -1 {
		t.Fatal("empty heap has a deadline")
	}
	for _, w := range []int64{50, 10, 40, 30, 20, 10} {
		h.add(timerEntry{when: w})
	}
	if h.next() != 10 {
		t.Fatalf("next = %d", h.next())
	}
	if _, ok := h.popDue(9); ok {
		t.Fatal("popped an entry before it was due")
	}
	var got []int64
	for {
		e, ok := h.popDue(35)
		if !ok {
			break
		}
		got = append(got, e.when)
	}
	if want := []int64{10, 10, 20, 30}; len(got) != len(want) || got[0] != 10 || got[1] != 10 || got[2] != 20 || got[3] != 30 {
		t.Fatalf("popped %v, want %v", got, want)
	}
	if h.next() != 40 || h.Len() != 2 {
		t.Fatalf("left next=%d len=%d", h.next(), h.Len())
	}
}

// TestTimerHeapIndexed: random set / remove / pop keep every connection's
// index right and pop deadlines in order.
func TestTimerHeapIndexed(t *testing.T) {
	var h timerHeap
	conns := make([]*econn, 50)
	want := map[*econn]int64{}
	for i := range conns {
		conns[i] = &econn{}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	check := func() {
		t.Helper()
		if len(h) != len(want) {
			t.Fatalf("heap has %d entries, want %d", len(h), len(want))
		}
		for _, c := range conns {
			w, ok := want[c]
			if got := h.deadline(c); (ok && got != w) || (!ok && got != 0) {
				t.Fatalf("deadline = %d, want %d (in heap: %v)", got, w, ok)
			}
			if ok && h[c.timerIdx-1].c != c {
				t.Fatal("index points at another connection's entry")
			}
		}
	}
	for range 5000 {
		c := conns[rng.IntN(len(conns))]
		switch rng.IntN(3) {
		case 0, 1:
			w := 1 + rng.Int64N(1000)
			h.set(c, w)
			want[c] = w
		case 2:
			h.remove(c)
			delete(want, c)
		}
		check()
	}
	last := int64(0)
	for len(h) > 0 {
		e, _ := h.popDue(1 << 62)
		if e.when < last || e.c.timerIdx != 0 || want[e.c] != e.when {
			t.Fatalf("popped %d after %d (idx %d, want %d)", e.when, last, e.c.timerIdx, want[e.c])
		}
		last = e.when
		delete(want, e.c)
	}
}

// TestClosedConnectionsLeaveNoTimers: many short connections with a long
// idle timeout; once closed, none of them is still held by a timer.
func TestClosedConnectionsLeaveNoTimers(t *testing.T) {
	eng, err := New("epoll")
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	closed := make(chan struct{}, 300)
	h := HandlerFuncs{
		Open:  func(c Conn) { _ = c.Write([]byte("bye")); _ = c.Close() },
		Close: func(Conn, CloseReason, error) { closed <- struct{}{} },
	}
	ln, err := eng.Listen("tcp", "127.0.0.1:0", h, Options{Loops: 2, IdleTimeout: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	const n = 300
	for i := range n {
		c, err := net.DialTimeout("tcp", ln.Addr().String(), waitTime)
		if err != nil {
			t.Fatalf("dial %d: %v", i, err)
		}
		_, _ = io.Copy(io.Discard, c)
		c.Close()
		select {
		case <-closed:
		case <-time.After(waitTime):
			t.Fatalf("connection %d never closed", i)
		}
	}
	for _, l := range eng.(*epollEngine).loops {
		got := make(chan int, 1)
		l.post(func() { got <- len(l.timers) })
		select {
		case k := <-got:
			if k != 0 {
				t.Errorf("a loop still has %d timer entries after %d connections closed", k, n)
			}
		case <-time.After(waitTime):
			t.Fatal("loop did not run the posted task")
		}
	}
}
