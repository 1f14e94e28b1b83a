package poll

import (
	"testing"

	"golang.org/x/sys/unix"
)

func TestEventsCarryFdAndGeneration(t *testing.T) {
	p, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	var fds [2]int
	if err := unix.Pipe2(fds[:], unix.O_NONBLOCK|unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fds[0])
	defer unix.Close(fds[1])
	if err := p.Add(fds[0], In, 41); err != nil {
		t.Fatal(err)
	}
	events := make([]unix.EpollEvent, 8)
	if n, _ := p.Wait(events, 0); n != 0 {
		t.Fatalf("%d events on an empty pipe", n)
	}
	unix.Write(fds[1], []byte("x"))
	n, err := p.Wait(events, 1000)
	if err != nil || n != 1 {
		t.Fatalf("Wait = %d, %v", n, err)
	}
	if ev := events[0]; int(ev.Fd) != fds[0] || uint32(ev.Pad) != 41 || ev.Events&In == 0 {
		t.Fatalf("event %+v, want fd %d gen 41", ev, fds[0])
	}
	// Level-triggered: still readable, still reported; Mod changes the generation.
	if err := p.Mod(fds[0], In, 42); err != nil {
		t.Fatal(err)
	}
	if n, _ := p.Wait(events, 1000); n != 1 || uint32(events[0].Pad) != 42 {
		t.Fatalf("after Mod: %d events, gen %d", n, events[0].Pad)
	}
	if err := p.Del(fds[0]); err != nil {
		t.Fatal(err)
	}
	if n, _ := p.Wait(events, 0); n != 0 {
		t.Fatalf("%d events after Del", n)
	}
}

func TestWakeCoalesces(t *testing.T) {
	p, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for range 10 {
		p.Wake()
	}
	events := make([]unix.EpollEvent, 8)
	n, err := p.Wait(events, 1000)
	if err != nil || n != 1 || !p.IsWake(&events[0]) {
		t.Fatalf("Wait = %d %v, want one wake-up event", n, err)
	}
	// Consumed: nothing more until the next Wake.
	if n, _ := p.Wait(events, 0); n != 0 {
		t.Fatalf("%d events after the wake-up was consumed", n)
	}
	p.Wake()
	if n, _ := p.Wait(events, 1000); n != 1 || !p.IsWake(&events[0]) {
		t.Fatal("second Wake lost")
	}
}
