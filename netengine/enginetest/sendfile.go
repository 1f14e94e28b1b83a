package enginetest

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/netlab-classroom/netlab/netengine"
	"github.com/netlab-classroom/netlab/netengine/internal/wine"
)

// The SendFile behaviours (epoll sends with sendfile(2), portable and the
// virtual engine copy in their writer goroutine).
var sendFileBehaviours = []behaviour{
	{"OrderedWithWrites", testSendFileOrdered},
	{"FromOtherGoroutine", testSendFileOtherGoroutine},
	{"SlowReader", testSendFileSlowReader},
	{"CloseWrite", testSendFileCloseWrite},
	{"ShortFile", testSendFileShort},
	{"AbortDuringSend", testSendFileAbort},
	{"AfterClose", testSendFileAfterClose},
	{"NoFdLeak", testSendFileNoLeak},
}

// tempFile writes b to a new file and opens it for reading.
func tempFile(t *testing.T, b []byte) *os.File {
	t.Helper()
	p := filepath.Join(t.TempDir(), "f.bin")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// openCopy opens f's file again: a descriptor the caller closes at once.
func openCopy(t *testing.T, f *os.File) *os.File {
	t.Helper()
	g, err := os.Open(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// plan is a sequence of writes and file segments and the bytes it must produce.
type plan struct {
	steps []func(c netengine.Conn) error
	want  []byte
}

func (p *plan) write(b []byte) {
	p.steps = append(p.steps, func(c netengine.Conn) error { return c.Write(b) })
	p.want = append(p.want, b...)
}

// file queues f[off:off+n] from a descriptor closed right after SendFile:
// the engine must hold its own.
func (p *plan) file(t *testing.T, f *os.File, data []byte, off, n int64) {
	p.steps = append(p.steps, func(c netengine.Conn) error {
		g := openCopy(t, f)
		defer g.Close()
		return c.SendFile(nil, g, off, n)
	})
	p.want = append(p.want, data[off:off+n]...)
}

// fileHead is file with a head sent in front of it in the same call.
func (p *plan) fileHead(t *testing.T, head []byte, f *os.File, data []byte, off, n int64) {
	p.steps = append(p.steps, func(c netengine.Conn) error {
		g := openCopy(t, f)
		defer g.Close()
		buf := append([]byte(nil), head...)
		err := c.SendFile(buf, g, off, n)
		clear(buf) // the engine must have copied the head
		return err
	})
	p.want = append(p.want, head...)
	p.want = append(p.want, data[off:off+n]...)
}

func (p *plan) run(c netengine.Conn) error {
	for _, s := range p.steps {
		if err := s(c); err != nil {
			return err
		}
	}
	return nil
}

// mixedPlan: files of 0 B, 1 B and 3 MiB (whole and a middle range)
// between writes of several sizes, some with heads.
func mixedPlan(t *testing.T) *plan {
	rng := rand.NewChaCha8([32]byte{7})
	big := randBytes(rng, 3<<20)
	f0, f1, f3 := tempFile(t, nil), tempFile(t, []byte{'x'}), tempFile(t, big)
	p := &plan{}
	p.write([]byte("head "))
	p.file(t, f0, nil, 0, 0)
	p.write([]byte("|"))
	p.file(t, f1, []byte{'x'}, 0, 1)
	p.file(t, f3, big, 0, int64(len(big)))
	p.write(randBytes(rng, 100<<10))
	p.file(t, f1, []byte{'x'}, 0, 1)
	p.file(t, f3, big, 12345, 1<<20)
	p.write([]byte(" tail"))
	p.file(t, f3, big, int64(len(big))-1, 1)
	p.fileHead(t, []byte("HTTP/1.1 200 OK\r\n\r\n"), f3, big, 0, int64(len(big)))
	p.fileHead(t, []byte("empty file, head only"), f0, nil, 0, 0)
	p.fileHead(t, randBytes(rng, 300<<10), f1, []byte{'x'}, 0, 1)
	p.write([]byte("after"))
	return p
}

func readAll(t *testing.T, c net.Conn) []byte {
	t.Helper()
	_ = c.SetDeadline(time.Now().Add(waitTime))
	got, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("read after %d bytes: %v", len(got), err)
	}
	return got
}

func checkSame(t *testing.T, got, want []byte) {
	t.Helper()
	if !bytes.Equal(got, want) {
		i := 0
		for i < min(len(got), len(want)) && got[i] == want[i] {
			i++
		}
		t.Fatalf("got %d bytes, want %d; first difference at byte %d", len(got), len(want), i)
	}
}

func testSendFileOrdered(t *testing.T, eng *engine) {
	p := mixedPlan(t)
	r := newRecorder(t)
	r.open = func(c netengine.Conn) {
		if err := p.run(c); err != nil {
			t.Error(err)
		}
		if b := c.Buffered(); b <= 0 || b > len(p.want) {
			t.Errorf("Buffered = %d after queueing %d bytes", b, len(p.want))
		}
		_ = c.Close() // flushes the files too
	}
	addr := listen(t, eng, r, netengine.Options{})
	before := eng.Stats().BytesOut
	c := eng.dial(t, addr)
	checkSame(t, readAll(t, c), p.want)
	ev := r.waitClose(t)
	if ev.reason != netengine.ReasonLocalClose || ev.err != nil {
		t.Fatalf("close = %v %v, want local-close", ev.reason, ev.err)
	}
	if got := eng.Stats().BytesOut - before; got != int64(len(p.want)) {
		t.Fatalf("BytesOut grew by %d, want %d", got, len(p.want))
	}
	if b := ev.c.Buffered(); b != 0 {
		t.Fatalf("Buffered = %d after close", b)
	}
}

func testSendFileOtherGoroutine(t *testing.T, eng *engine) {
	// Writes and files from a goroutine that is not the engine's, while the
	// peer echoes requests: the queue keeps their order.
	p := mixedPlan(t)
	r := newRecorder(t)
	addr := listen(t, eng, r, netengine.Options{})
	c := eng.dial(t, addr)
	sc := r.waitOpen(t)
	done := make(chan error, 1)
	go func() {
		err := p.run(sc)
		if err == nil {
			err = sc.Close()
		}
		done <- err
	}()
	checkSame(t, readAll(t, c), p.want)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if ev := r.waitClose(t); ev.reason != netengine.ReasonLocalClose {
		t.Fatalf("reason = %v (%v)", ev.reason, ev.err)
	}
}

func testSendFileSlowReader(t *testing.T, eng *engine) {
	// 8 MiB queued as one file to a client that reads nothing at first:
	// the file's unsent bytes count in Buffered and past HighWater the
	// engine stops reading the connection; then a slow reader gets every byte.
	const size = 8 << 20
	data := randBytes(rand.NewChaCha8([32]byte{8}), size)
	f := tempFile(t, data)
	const hi, lo = 256 << 10, 64 << 10
	r := newRecorder(t)
	r.open = func(c netengine.Conn) {
		if err := c.SendFile(nil, f, 0, size); err != nil {
			t.Error(err)
		}
		_ = c.Write([]byte("end"))
	}
	var mu sync.Mutex
	var dataAfterQueue int
	r.data = func(c netengine.Conn, p []byte) {
		mu.Lock()
		dataAfterQueue += len(p)
		mu.Unlock()
	}
	addr := listen(t, eng, r, netengine.Options{HighWater: hi, LowWater: lo})
	c := eng.dial(t, addr)
	sc := r.waitOpen(t)
	// Wait until the socket buffers are full and the queue stops shrinking.
	deadline := time.Now().Add(waitTime)
	last := -1
	for {
		b := sc.Buffered()
		if b == last || time.Now().After(deadline) {
			break
		}
		last = b
		time.Sleep(50 * time.Millisecond)
	}
	if last <= hi || last > size+3 {
		t.Fatalf("Buffered = %d with the peer not reading (file %d, HighWater %d)", last, size, hi)
	}
	// Paused: bytes the client sends now are not delivered.
	if _, err := c.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	mu.Lock()
	n := dataAfterQueue
	mu.Unlock()
	if n != 0 {
		t.Fatalf("engine read %d bytes above HighWater", n)
	}
	// Slow reader: small reads with pauses, then the rest.
	got := make([]byte, 0, size+3)
	buf := make([]byte, 4<<10)
	_ = c.SetDeadline(time.Now().Add(waitTime))
	for i := 0; i < 20; i++ {
		k, err := c.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, buf[:k]...)
		time.Sleep(5 * time.Millisecond)
	}
	for len(got) < size+3 {
		k, err := c.Read(buf)
		if err != nil {
			t.Fatalf("read after %d bytes: %v (server queue %d)", len(got), err, sc.Buffered())
		}
		got = append(got, buf[:k]...)
	}
	checkSame(t, got, append(data, "end"...))
	// Drained below LowWater: reading resumes and "ping" arrives.
	deadline = time.Now().Add(waitTime)
	for time.Now().Before(deadline) && len(r.received(sc)) < 4 {
		time.Sleep(10 * time.Millisecond)
	}
	if string(r.received(sc)) != "ping" {
		t.Fatalf("after draining the server read %q", r.received(sc))
	}
	if b := sc.Buffered(); b != 0 {
		t.Fatalf("Buffered = %d after the peer read everything", b)
	}
}

func testSendFileCloseWrite(t *testing.T, eng *engine) {
	// CloseWrite sends FIN only after the file; reading goes on.
	data := randBytes(rand.NewChaCha8([32]byte{9}), 2<<20)
	f := tempFile(t, data)
	r := newRecorder(t)
	r.open = func(c netengine.Conn) {
		_ = c.Write([]byte("a"))
		if err := c.SendFile(nil, f, 0, int64(len(data))); err != nil {
			t.Error(err)
		}
		if err := c.CloseWrite(); err != nil {
			t.Error(err)
		}
		if err := c.SendFile(nil, f, 0, 1); !errors.Is(err, netengine.ErrClosed) {
			t.Errorf("SendFile after CloseWrite = %v, want netengine.ErrClosed", err)
		}
	}
	r.eof = func(c netengine.Conn) {} // keep our side open: the test checks the reason
	addr := listen(t, eng, r, netengine.Options{})
	c := eng.dial(t, addr)
	_ = c.SetDeadline(time.Now().Add(waitTime))
	got := make([]byte, 1+len(data))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatal(err)
	}
	checkSame(t, got, append([]byte("a"), data...))
	if k, err := c.Read(make([]byte, 1)); k != 0 || err != io.EOF {
		t.Fatalf("after the file: %d bytes, %v; want EOF", k, err)
	}
	if _, err := c.Write([]byte("still reading")); err != nil {
		t.Fatal(err)
	}
	sc := r.waitOpen(t)
	deadline := time.Now().Add(waitTime)
	for time.Now().Before(deadline) && len(r.received(sc)) < len("still reading") {
		time.Sleep(10 * time.Millisecond)
	}
	if string(r.received(sc)) != "still reading" {
		t.Fatalf("server read %q after CloseWrite", r.received(sc))
	}
	_ = c.CloseWrite()
	if ev := r.waitClose(t); ev.reason != netengine.ReasonLocalClose && ev.reason != netengine.ReasonEOF {
		t.Fatalf("reason = %v (%v)", ev.reason, ev.err)
	}
}

func testSendFileShort(t *testing.T, eng *engine) {
	// The file has 1000 bytes but 5000 are promised: the peer gets the
	// 1000 and then the end, OnClose reports an error.
	data := randBytes(rand.NewChaCha8([32]byte{10}), 1000)
	f := tempFile(t, data)
	r := newRecorder(t)
	r.open = func(c netengine.Conn) {
		_ = c.Write([]byte("<"))
		if err := c.SendFile(nil, f, 0, 5000); err != nil {
			t.Error(err)
		}
		_ = c.Write([]byte(">"))
		_ = c.Close()
	}
	addr := listen(t, eng, r, netengine.Options{})
	c := eng.dial(t, addr)
	ev := r.waitClose(t)
	if ev.reason != netengine.ReasonError || !errors.Is(ev.err, io.ErrUnexpectedEOF) {
		t.Fatalf("close = %v %v, want error with unexpected EOF", ev.reason, ev.err)
	}
	_ = c.SetDeadline(time.Now().Add(waitTime))
	got, _ := io.ReadAll(c) // EOF or reset: either way no '>'
	checkSame(t, got, append([]byte("<"), data...))
}

func testSendFileAbort(t *testing.T, eng *engine) {
	// Abort while a 64 MiB file is going out: RST, reason abort, the
	// queue's descriptor released.
	const size = 64 << 20
	p := filepath.Join(t.TempDir(), "big.bin")
	if err := os.WriteFile(p, make([]byte, size), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := newRecorder(t)
	addr := listen(t, eng, r, netengine.Options{})
	c := eng.dial(t, addr)
	sc := r.waitOpen(t)
	base, counted := countFds()
	if err := sc.SendFile(nil, f, 0, size); err != nil {
		t.Fatal(err)
	}
	if n, _ := countFds(); counted && n != base+1 {
		t.Fatalf("%d descriptors after SendFile, want %d (one duplicate)", n, base+1)
	}
	_ = c.SetDeadline(time.Now().Add(waitTime))
	if _, err := io.ReadFull(c, make([]byte, 1<<20)); err != nil {
		t.Fatal(err)
	}
	if err := sc.Abort(); err != nil {
		t.Fatal(err)
	}
	if ev := r.waitClose(t); ev.reason != netengine.ReasonAbort {
		t.Fatalf("reason = %v (%v)", ev.reason, ev.err)
	}
	if eng.env.SocketFDs && wine.Detected() {
		t.Skip("under Wine an aborted socket with unsent data closes with FIN, not RST (see AbortSendsRST)")
	}
	var n int64
	for err == nil {
		var k int
		k, err = c.Read(make([]byte, 64<<10))
		n += int64(k)
	}
	if !errors.Is(err, syscall.ECONNRESET) && !isResetOS(err) {
		t.Fatalf("peer read = %v after %d more bytes, want ECONNRESET", err, n)
	}
	if n+1<<20 >= size {
		t.Fatalf("the whole file arrived despite Abort")
	}
	// The queue's duplicate and the server socket are gone.
	if counted {
		waitFds(t, base-eng.sockets(1))
	}
}

func testSendFileAfterClose(t *testing.T, eng *engine) {
	f := tempFile(t, []byte("abc"))
	r := newRecorder(t)
	addr := listen(t, eng, r, netengine.Options{})
	c := eng.dial(t, addr)
	sc := r.waitOpen(t)
	base, counted := countFds()
	_ = sc.Close()
	if err := sc.SendFile(nil, f, 0, 3); !errors.Is(err, netengine.ErrClosed) {
		t.Fatalf("SendFile after Close = %v", err)
	}
	if err := sc.SendFile(nil, f, -1, 3); err == nil {
		t.Fatal("negative offset accepted")
	}
	r.waitClose(t)
	_ = c.Close()
	if counted {
		waitFds(t, base-eng.sockets(2)) // both sockets gone, no duplicate left behind
	}
}

func testSendFileNoLeak(t *testing.T, eng *engine) {
	// Connections that end every way while file segments are queued:
	// completed, Close with files pending, Abort, peer reset mid-file,
	// listener closed. Afterwards the process has the descriptors it had.
	data := randBytes(rand.NewChaCha8([32]byte{11}), 4<<20)
	f := tempFile(t, data)
	// The engine starts its loops (an epoll fd and an eventfd each) on
	// first use: start them before counting.
	warm, err := eng.Listen("tcp", eng.env.ListenAddr, netengine.HandlerFuncs{}, netengine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	warm.Close() // its socket closes on the loops, soon after: wait for it
	base, counted := countFds()
	for i := 0; counted && i < 100; i++ {
		time.Sleep(20 * time.Millisecond)
		n, _ := countFds()
		if n == base {
			break
		}
		base = n
	}
	r := newRecorder(t)
	r.open = func(c netengine.Conn) {
		for range 3 {
			if err := c.SendFile(nil, f, 0, int64(len(data))); err != nil {
				t.Error(err)
			}
		}
	}
	r.eof = func(c netengine.Conn) { _ = c.Close() }
	ln, err := eng.Listen("tcp", eng.env.ListenAddr, r, netengine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	const per = 6
	var wg sync.WaitGroup
	for kind := range 4 {
		for range per {
			c, err := eng.env.Dial(addr, waitTime)
			if err != nil {
				t.Fatal(err)
			}
			sc := r.waitOpen(t)
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(waitTime))
				switch kind {
				case 0: // read everything, then the server closes on our FIN
					got := make([]byte, 3*len(data))
					if _, err := io.ReadFull(c, got); err != nil {
						t.Error(err)
					}
					_ = c.CloseWrite()
					_, _ = io.Copy(io.Discard, c)
				case 1: // Close with the files still queued, read it all
					_ = sc.Close()
					if n, _ := io.Copy(io.Discard, c); n != 3*int64(len(data)) {
						t.Errorf("after Close got %d bytes", n)
					}
				case 2: // Abort
					_, _ = io.ReadFull(c, make([]byte, 1000))
					_ = sc.Abort()
					_, _ = io.Copy(io.Discard, c)
				case 3: // the peer resets in the middle of the file
					_, _ = io.ReadFull(c, make([]byte, 1000))
					_ = c.SetLinger(0)
				}
			}()
		}
	}
	// A few left open with files queued, for the listener to close.
	var open []Client
	for range 3 {
		c, err := eng.env.Dial(addr, waitTime)
		if err != nil {
			t.Fatal(err)
		}
		open = append(open, c)
		r.waitOpen(t)
	}
	wg.Wait()
	for range 4 * per {
		r.waitClose(t)
	}
	ln.Close()
	for range open {
		r.waitClose(t)
	}
	for _, c := range open {
		c.Close()
	}
	if !counted {
		t.Skip("every connection ended as it should; the descriptor count needs Linux's /proc")
	}
	waitFds(t, base)
}

// countFds is the number of open descriptors of this process, read from
// Linux's /proc; ok is false elsewhere, and the behaviours then check
// everything but the count. (Under wine /proc/self/fd lists wine's own Unix
// descriptors, not the Windows handles the program holds.)
func countFds() (n int, ok bool) {
	if runtime.GOOS != "linux" {
		return 0, false
	}
	es, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return 0, false
	}
	return len(es) - 1, true // ReadDir's own descriptor
}

// waitFds waits (bounded) until the process has want descriptors: closes
// happen on the engine's loop, just after OnClose.
func waitFds(t *testing.T, want int) {
	t.Helper()
	deadline := time.Now().Add(waitTime)
	n, _ := countFds()
	for n > want && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		n, _ = countFds()
	}
	if n != want {
		t.Fatalf("%d descriptors open, want %d", n, want)
	}
}
