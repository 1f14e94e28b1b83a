package scenario

import (
	"fmt"
	"html"
	"net/http"
	"net/netip"

	"github.com/netlab-classroom/netlab/netengine/dnsx"
	"github.com/netlab-classroom/netlab/netengine/vnet"
)

// StartWeb runs a small web server on h's port (Go's net/http over the
// host's stack): every path answers a short HTML page naming the host and
// the path. keepAlive false answers "Connection: close" and closes after
// each response (short connections). stop shuts it down.
func StartWeb(h *vnet.Host, port uint16, keepAlive bool) (stop func(), err error) {
	l, err := h.ListenTCP(port)
	if err != nil {
		return nil, fmt.Errorf("web server on %s:%d: %v", h.Name(), port, err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<h1>Hello from %s</h1>\n<p>You asked for %s</p>\n", html.EscapeString(h.Name()), html.EscapeString(r.URL.Path))
	})}
	srv.SetKeepAlivesEnabled(keepAlive)
	go srv.Serve(l)
	return func() { srv.Close() }, nil
}

// StartDNS runs the classroom DNS server srv (nil: the built-in zones) on
// h's UDP port 53. stop closes the socket.
func StartDNS(h *vnet.Host, srv *dnsx.Server) (stop func(), err error) {
	if srv == nil {
		if srv, err = dnsx.NewServer(dnsx.BuiltinZones(), dnsx.ServerOptions{}); err != nil {
			return nil, err
		}
	}
	uc, err := h.ListenUDP(53)
	if err != nil {
		return nil, fmt.Errorf("DNS server on %s:53: %v", h.Name(), err)
	}
	go func() {
		buf := make([]byte, 65535)
		for {
			n, from, err := uc.ReadFrom(buf)
			if err != nil {
				return
			}
			ap, err := netip.ParseAddrPort(from.String())
			if err != nil {
				continue
			}
			if out := srv.HandlePacket(buf[:n], ap, "udp"); out != nil {
				uc.WriteTo(out, from)
			}
		}
	}()
	return func() { uc.Close() }, nil
}
