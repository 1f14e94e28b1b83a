package enginetest

import (
	"errors"
	"io"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/netlab-classroom/netlab/netengine"
)

func init() {
	behaviours = append(behaviours, behaviour{"AcceptEMFILE", testAcceptEMFILE})
}

// testAcceptEMFILE fills the descriptor table while a client connects. The
// engine must count the failed accept, must not spin on the ready
// listener, and must serve again once descriptors are free.
func testAcceptEMFILE(t *testing.T, eng *engine) {
	if !eng.env.SocketFDs {
		t.Skip("the engine's sockets are not descriptors of this process: a full descriptor table cannot stop its accepts")
	}
	r := newRecorder(t)
	r.data = echo
	addr := listen(t, eng, r, netengine.Options{})
	warm := eng.dial(t, addr) // make sure every loop and poller exists
	roundTrip(t, warm, []byte("warm"))

	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &old); err != nil {
		t.Skip(err)
	}
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip(err)
	}
	lim := old
	lim.Cur = uint64(len(fds) + 8)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Skip(err)
	}
	// Fill the table to the brim, then free exactly one slot: the client's.
	var fillers []*os.File
	restored := false
	restore := func() {
		if !restored {
			restored = true
			for _, f := range fillers {
				f.Close()
			}
			_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old)
		}
	}
	defer restore()
	for range 100 {
		f, err := os.Open(os.DevNull)
		if err != nil {
			break
		}
		fillers = append(fillers, f)
	}
	if len(fillers) == 0 || len(fillers) == 100 {
		restore()
		t.Skipf("could not fill the descriptor table (%d fillers)", len(fillers))
	}
	fillers[len(fillers)-1].Close()
	fillers = fillers[:len(fillers)-1]
	c, err := eng.env.Dial(addr, 5*time.Second)
	if err != nil {
		restore()
		t.Fatalf("client dial under the lowered limit: %v", err)
	}
	defer c.Close()
	before := eng.Stats()
	deadline := time.Now().Add(waitTime)
	for eng.Stats().AcceptFails == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	after := eng.Stats()
	restore()
	if after.AcceptFails == 0 {
		t.Fatal("no accept failure counted with a full descriptor table")
	}
	// A spinning loop would wake up hundreds of thousands of times.
	if w := after.Wakeups - before.Wakeups; w > 2000 {
		t.Fatalf("%d wake-ups while the table was full: the loop spins", w)
	}
	if eng.Name() == "epoll" {
		// The spare-descriptor trick accepted and closed the connection.
		_ = c.SetReadDeadline(time.Now().Add(waitTime))
		_, err := c.Read(make([]byte, 1))
		if err == nil || (!errors.Is(err, io.EOF) && !errors.Is(err, syscall.ECONNRESET)) {
			t.Fatalf("shed connection: read = %v, want EOF or reset", err)
		}
	}
	// With descriptors free again, service resumes.
	c2 := eng.dial(t, addr)
	if got := roundTrip(t, c2, []byte("back")); string(got) != "back" {
		t.Fatalf("echo %q", got)
	}
}
