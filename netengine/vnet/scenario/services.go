package scenario

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"

	"github.com/netlab-classroom/netlab/netengine/dnsx"
	"github.com/netlab-classroom/netlab/netengine/httpserve"
	"github.com/netlab-classroom/netlab/netengine/vnet"
	"github.com/netlab-classroom/netlab/netengine/vnet/vengine"
)

// WebPages are the files StartWeb serves when it is given no folder:
// index.html and page1.html … page3.html (the HTTP scenarios fetch those).
var WebPages = map[string]string{
	"index.html": "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>NetLab virtual web</title></head>\n" +
		"<body><h1>Hello from web (192.168.1.20)</h1>\n<p>This page came through the virtual classroom network: see its packets in NetLab.</p>\n" +
		"<p>这个页面经过虚拟课堂网络传来：在 NetLab 中可以看到它的每个报文。</p></body></html>\n",
	"page1.html": "<h1>Page 1</h1>\n",
	"page2.html": "<h1>Page 2</h1>\n",
	"page3.html": "<h1>Page 3</h1>\n",
}

// StartWeb runs NetLab's own static web server (netengine/httpserve) on
// h's port, over a vengine engine on the host's stack, serving dir (""
// serves WebPages from a temporary folder). keepAlive false closes the
// connection after each response (short connections). stop shuts it down.
func StartWeb(h *vnet.Host, port uint16, keepAlive bool, dir string) (stop func(), err error) {
	tmp := ""
	if dir == "" {
		if tmp, err = os.MkdirTemp("", "netlab-vnet-web-"); err != nil {
			return nil, err
		}
		for name, body := range WebPages {
			if err := os.WriteFile(filepath.Join(tmp, name), []byte(body), 0o644); err != nil {
				os.RemoveAll(tmp)
				return nil, err
			}
		}
		dir = tmp
	}
	fail := func(err error) (func(), error) {
		if tmp != "" {
			os.RemoveAll(tmp)
		}
		return nil, fmt.Errorf("web server on %s:%d: %v", h.Name(), port, err)
	}
	srv, err := httpserve.New(httpserve.Config{Dir: dir, NoKeepAlive: !keepAlive})
	if err != nil {
		return fail(err)
	}
	eng := vengine.New(h.Stack(), h.NIC(), "vnet-"+h.Name())
	if _, err := srv.Listen(eng, fmt.Sprintf(":%d", port)); err != nil {
		srv.Close()
		eng.Close()
		return fail(err)
	}
	return func() {
		srv.Close()
		eng.Close()
		if tmp != "" {
			os.RemoveAll(tmp)
		}
	}, nil
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
