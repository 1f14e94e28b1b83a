package vnet

import (
	"context"
	"io"
	"net"
	"net/netip"
	"runtime"
	"testing"
	"time"
)

// transferSize is what BenchmarkTransfer moves per iteration; run-vnet.sh
// sets -benchtime=1x so one iteration is the 100 MB transfer.
const transferSize = 100 << 20

// twoHosts is the benchmark network: a and b on one switch, MTU 1500.
func twoHosts(b *testing.B) (*Network, *Host, *Host) {
	n := New(Options{})
	sw := n.AddSwitch("sw")
	a, err := n.AddHost(HostConfig{Name: "a", Addr: netip.MustParsePrefix("10.1.0.1/24")})
	if err != nil {
		b.Fatal(err)
	}
	c, err := n.AddHost(HostConfig{Name: "b", Addr: netip.MustParsePrefix("10.1.0.2/24")})
	if err != nil {
		b.Fatal(err)
	}
	n.Link(a.Port(), sw.Port(), "a-sw")
	n.Link(c.Port(), sw.Port(), "b-sw")
	return n, a, c
}

// move sends size bytes from dial to the listener's accepted connection and
// returns when the receiver has read them all.
func move(b *testing.B, l net.Listener, dial func() (net.Conn, error), size int) {
	done := make(chan int64, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			done <- -1
			return
		}
		n, _ := io.Copy(io.Discard, c)
		c.Close()
		done <- n
	}()
	c, err := dial()
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 256<<10)
	for left := size; left > 0; {
		k := min(left, len(buf))
		if _, err := c.Write(buf[:k]); err != nil {
			b.Fatal(err)
		}
		left -= k
	}
	c.Close()
	if got := <-done; got != int64(size) {
		b.Fatalf("received %d bytes of %d", got, size)
	}
}

// BenchmarkTransfer moves 100 MB between two virtual hosts through a
// switch with capture on (every frame crosses two links, each captured), and
// reports MB/s, frames/s (captured link crossings) and the ring's lost count.
func BenchmarkTransfer(b *testing.B) {
	n, a, c := twoHosts(b)
	defer n.Close()
	l, err := c.ListenTCP(9)
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	dial := func() (net.Conn, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return a.DialTCP(ctx, netip.MustParseAddrPort("10.1.0.2:9"))
	}
	b.SetBytes(transferSize)
	var ms runtime.MemStats
	b.ResetTimer()
	start, seq0 := time.Now(), n.LastSeq()
	for i := 0; i < b.N; i++ {
		move(b, l, dial, transferSize)
	}
	el := time.Since(start).Seconds()
	b.StopTimer()
	frames := float64(n.LastSeq() - seq0)
	b.ReportMetric(frames/el, "frames/s")
	b.ReportMetric(frames/2/el, "wire-frames/s")
	runtime.GC()
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MiB")
	b.ReportMetric(float64(n.LostFromView()), "lost-from-view")
}

// BenchmarkLoopback is the same transfer over the real loopback, in the
// same run, for comparison.
func BenchmarkLoopback(b *testing.B) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	b.SetBytes(transferSize)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		move(b, l, func() (net.Conn, error) { return net.Dial("tcp", l.Addr().String()) }, transferSize)
	}
}
