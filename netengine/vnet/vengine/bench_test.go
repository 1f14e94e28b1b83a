package vengine_test

import (
	"io"
	"strconv"
	"testing"
	"time"

	"github.com/netlab-classroom/netlab/netengine"
	"github.com/netlab-classroom/netlab/netengine/vnet/vengine"
)

// BenchmarkEcho: one client on the client host, the virtual engine's echo
// server on the server host, request/response round trips of each size
// (go test -bench Echo ./netengine/vnet/vengine/). MB/s counts one
// direction, as netengine's BenchmarkEcho does on loopback. Every frame
// crosses the two-host network's cable goroutines (a copy each).
func BenchmarkEcho(b *testing.B) {
	for _, mtu := range []uint32{ethernetMTU, loopbackMTU} {
		for _, size := range []int{64, 16 << 10, 1 << 20} {
			b.Run("mtu"+strconv.Itoa(int(mtu))+"/"+sizeLabel(size), func(b *testing.B) { benchEcho(b, mtu, size) })
		}
	}
}

func benchEcho(b *testing.B, mtu uint32, size int) {
	n := newTwoHosts(b, mtu)
	eng := vengine.New(n.server, nic, "virtual")
	defer eng.Close()
	h := netengine.HandlerFuncs{Data: func(c netengine.Conn, p []byte) { _ = c.Write(p) }}
	ln, err := eng.Listen("tcp", "10.0.0.2:0", h, netengine.Options{})
	if err != nil {
		b.Fatal(err)
	}
	peer := &vengine.Transport{Stack: n.client}
	c, err := peer.DialTCP("tcp", ln.Addr().String(), 5*time.Second)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	msg, got := make([]byte, size), make([]byte, size)
	errc := make(chan error, 1)
	b.SetBytes(int64(size))
	b.ResetTimer()
	for b.Loop() {
		go func() {
			_, err := c.Write(msg)
			errc <- err
		}()
		if _, err := io.ReadFull(c, got); err != nil {
			b.Fatal(err)
		}
		if err := <-errc; err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	for _, s := range []string{"server", "client"} {
		st := n.server
		if s == "client" {
			st = n.client
		}
		stats := st.Stats()
		if r, d := stats.TCP.Retransmits.Value(), stats.IP.OutgoingPacketErrors.Value(); r > 0 || d > 0 {
			b.Logf("%s host: %d TCP retransmissions, %d frames dropped at a full NIC queue", s, r, d)
		}
	}
}

func sizeLabel(n int) string {
	if n >= 1<<20 {
		return strconv.Itoa(n>>20) + "MiB"
	}
	if n >= 1024 {
		return strconv.Itoa(n>>10) + "KiB"
	}
	return strconv.Itoa(n) + "B"
}
