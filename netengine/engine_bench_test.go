package netengine

import (
	"io"
	"net"
	"strconv"
	"testing"
)

// BenchmarkEcho measures one client's request/response round trips through
// each engine's echo server (go test -bench Echo ./netengine/). The full
// comparison with gnet and many connections lives in bench/.
func BenchmarkEcho(b *testing.B) {
	for _, name := range Names() {
		for _, size := range []int{64, 16 << 10} {
			b.Run(name+"/"+sizeLabel(size), func(b *testing.B) {
				eng, err := New(name)
				if err != nil {
					b.Fatal(err)
				}
				defer eng.Close()
				h := HandlerFuncs{Data: func(c Conn, p []byte) { _ = c.Write(p) }}
				ln, err := eng.Listen("tcp", "127.0.0.1:0", h, Options{})
				if err != nil {
					b.Fatal(err)
				}
				c, err := net.Dial("tcp", ln.Addr().String())
				if err != nil {
					b.Fatal(err)
				}
				defer c.Close()
				msg, got := make([]byte, size), make([]byte, size)
				b.SetBytes(int64(size))
				b.ResetTimer()
				for b.Loop() {
					if _, err := c.Write(msg); err != nil {
						b.Fatal(err)
					}
					if _, err := io.ReadFull(c, got); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func sizeLabel(n int) string {
	if n >= 1024 {
		return strconv.Itoa(n/1024) + "KiB"
	}
	return strconv.Itoa(n) + "B"
}
