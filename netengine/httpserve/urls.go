package httpserve

import (
	"net"
	"net/netip"
	"sort"
	"strconv"
)

// URLs lists the addresses a browser can use to reach a server listening
// on addr: the address itself, or, for a wildcard address (0.0.0.0, ::),
// the loopback URL first and then one URL per LAN IPv4 address of this
// machine (the ones to give to a class).
func URLs(addr net.Addr) []string {
	ap, err := netip.ParseAddrPort(addr.String())
	if err != nil {
		return []string{"http://" + addr.String() + "/"}
	}
	port := strconv.Itoa(int(ap.Port()))
	if !ap.Addr().IsUnspecified() {
		return []string{"http://" + netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()).String() + "/"}
	}
	out := []string{"http://127.0.0.1:" + port + "/"}
	for _, ip := range LANAddrs() {
		out = append(out, "http://"+ip.String()+":"+port+"/")
	}
	return out
}

// LANAddrs are this machine's IPv4 addresses on interfaces that are up,
// loopback and link-local excluded, sorted.
func LANAddrs() []netip.Addr {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil
	}
	var out []netip.Addr
	for _, ifc := range ifs {
		if ifc.Flags&net.FlagUp == 0 || ifc.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, _ := ifc.Addrs()
		for _, a := range addrs {
			pfx, err := netip.ParsePrefix(a.String())
			if err != nil {
				continue
			}
			ip := pfx.Addr()
			if ip.Is4() && !ip.IsLinkLocalUnicast() && !ip.IsLoopback() {
				out = append(out, ip)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Less(out[j]) })
	return out
}

// IsLoopback reports whether a listen address only accepts local clients.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}
