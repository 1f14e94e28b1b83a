package workbench

import (
	"errors"
	"net"
	"os"
	"syscall"
)

// Explain turns a socket error into an English sentence (a translation key
// for the UI) that says what happened and what to do, plus its arguments.
// It returns "" for errors it has no words for.
func Explain(err error, addr string) (key string, args map[string]any) {
	args = map[string]any{"Addr": addr}
	switch {
	case err == nil:
		return "", nil
	case AddrInUse(err):
		return "Port already in use: another program (or another NetLab server) is listening on {{.Addr}}. Stop it or choose another port.", args
	case errors.Is(err, syscall.EACCES) || errors.Is(err, os.ErrPermission) || isWinErr(err, 10013):
		return "Permission denied for {{.Addr}}: ports below 1024 need administrator rights. Use a port such as 8080.", args
	case errors.Is(err, syscall.EADDRNOTAVAIL) || isWinErr(err, 10049):
		return "{{.Addr}} is not an address of this computer, so nothing can listen on it.", args
	case errors.Is(err, syscall.ECONNREFUSED) || isWinErr(err, 10061):
		return "Connection refused: nothing is listening on {{.Addr}} (is the server started?).", args
	case errors.Is(err, syscall.ENETUNREACH) || errors.Is(err, syscall.EHOSTUNREACH):
		return "No route to {{.Addr}}: check the address and the network.", args
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return "Cannot resolve the host name in {{.Addr}}: check its spelling (or use an IP address).", args
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "No answer from {{.Addr}} in time (a firewall may drop the packets).", args
	}
	var ae *net.AddrError
	if errors.As(err, &ae) {
		return "{{.Addr}} is not a valid address: use host:port, e.g. 127.0.0.1:8080.", args
	}
	return "", nil
}

// AddrInUse reports whether err says the port is already taken.
func AddrInUse(err error) bool {
	return errors.Is(err, syscall.EADDRINUSE) || isWinErr(err, 10048)
}

func isWinErr(err error, code int) bool {
	var errno syscall.Errno
	return errors.As(err, &errno) && int(errno) == code
}
