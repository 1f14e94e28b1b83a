package poll

import (
	"bytes"
	"testing"

	"golang.org/x/sys/unix"
)

func socketpair(t *testing.T) (a, b int) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fds[0]); unix.Close(fds[1]) })
	return fds[0], fds[1]
}

func TestRawReadWrite(t *testing.T) {
	a, b := socketpair(t)
	buf := make([]byte, 64)
	if n, err := Read(a, buf); n != 0 || err != unix.EAGAIN {
		t.Fatalf("read on empty socket = %d, %v; want 0, EAGAIN", n, err)
	}
	if n, err := Write(b, []byte("hello")); n != 5 || err != nil {
		t.Fatalf("write = %d, %v", n, err)
	}
	if n, err := Read(a, buf); n != 5 || err != nil || string(buf[:n]) != "hello" {
		t.Fatalf("read = %d %q, %v", n, buf[:n], err)
	}
	if n, err := Write(b, nil); n != 0 || err != nil {
		t.Fatalf("empty write = %d, %v", n, err)
	}
	unix.Close(b)
	if n, err := Read(a, buf); n != 0 || err != nil {
		t.Fatalf("read after peer close = %d, %v; want 0, nil (EOF)", n, err)
	}
	if _, err := Read(-1, buf); err != unix.EBADF {
		t.Fatalf("read on fd -1: %v, want EBADF", err)
	}
}

func TestRawWritevGathersAndSkipsEmpty(t *testing.T) {
	a, b := socketpair(t)
	var vecs []unix.Iovec
	n, vecs, err := Writev(b, [][]byte{[]byte("ab"), nil, []byte("cde"), {}, []byte("f")}, vecs)
	if n != 6 || err != nil {
		t.Fatalf("writev = %d, %v", n, err)
	}
	for _, v := range vecs[:cap(vecs)] {
		if v.Base != nil {
			t.Fatal("writev kept a reference to a caller's buffer")
		}
	}
	got := make([]byte, 16)
	k, _ := Read(a, got)
	if !bytes.Equal(got[:k], []byte("abcdef")) {
		t.Fatalf("read %q", got[:k])
	}
	// WritevMore holds bytes back on TCP; on any socket they still arrive.
	if n, _, err := WritevMore(b, [][]byte{[]byte("gh"), []byte("i")}, vecs); n != 3 || err != nil {
		t.Fatalf("writev with MSG_MORE = %d, %v", n, err)
	}
	Write(b, []byte("j"))
	k, _ = Read(a, got)
	if string(got[:k]) != "ghij" {
		t.Fatalf("read %q after WritevMore", got[:k])
	}
	if n, _, err := Writev(b, [][]byte{nil}, vecs); n != 0 || err != nil {
		t.Fatalf("writev of nothing = %d, %v", n, err)
	}
	// Fill the socket: a non-blocking writev must stop with EAGAIN, not block.
	big := make([]byte, 1<<16)
	for i := 0; ; i++ {
		if i > 10000 {
			t.Fatal("socket never filled")
		}
		if _, vecs, err = Writev(b, [][]byte{big, big}, vecs); err != nil {
			if err != unix.EAGAIN {
				t.Fatalf("writev on a full socket: %v, want EAGAIN", err)
			}
			break
		}
	}
}

func TestWaitZeroTimeoutIsRaw(t *testing.T) {
	p, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	a, b := socketpair(t)
	if err := p.Add(a, In, 3); err != nil {
		t.Fatal(err)
	}
	events := make([]unix.EpollEvent, 4)
	if n, err := p.Wait(events, 0); n != 0 || err != nil {
		t.Fatalf("Wait(0) on a quiet socket = %d, %v", n, err)
	}
	Write(b, []byte("x"))
	if n, err := p.Wait(events, 0); n != 1 || err != nil || int(events[0].Fd) != a || events[0].Pad != 3 {
		t.Fatalf("Wait(0) = %d, %v, %+v", n, err, events[0])
	}
}
