package tcpstate

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
)

// ParseProcNet parses the text of /proc/net/tcp or /proc/net/tcp6. The
// kernel prints each 32-bit word of an address in the host's byte order;
// order says which one the text came from (binary.NativeEndian for the
// running system, binary.LittleEndian for samples recorded on x86/ARM).
func ParseProcNet(r io.Reader, order binary.ByteOrder) ([]Socket, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	var out []Socket
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "sl") {
			continue
		}
		s, err := parseLine(text, order)
		if err != nil {
			return out, fmt.Errorf("tcpstate: line %d: %w", line, err)
		}
		out = append(out, s)
	}
	return out, sc.Err()
}

// parseLine parses "0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 1000 0 12345 ...".
func parseLine(text string, order binary.ByteOrder) (Socket, error) {
	f := strings.Fields(text)
	if len(f) < 10 {
		return Socket{}, fmt.Errorf("want at least 10 fields, got %d", len(f))
	}
	var s Socket
	var err error
	if s.Local, err = parseAddrPort(f[1], order); err != nil {
		return s, fmt.Errorf("local address: %w", err)
	}
	if s.Remote, err = parseAddrPort(f[2], order); err != nil {
		return s, fmt.Errorf("remote address: %w", err)
	}
	st, err := strconv.ParseUint(f[3], 16, 8)
	if err != nil || st == 0 {
		return s, fmt.Errorf("bad state %q", f[3])
	}
	s.State = State(st)
	tx, rx, ok := strings.Cut(f[4], ":")
	if !ok {
		return s, fmt.Errorf("bad queues %q", f[4])
	}
	if s.TxQueue, err = strconv.ParseUint(tx, 16, 64); err != nil {
		return s, fmt.Errorf("bad tx_queue %q", tx)
	}
	if s.RxQueue, err = strconv.ParseUint(rx, 16, 64); err != nil {
		return s, fmt.Errorf("bad rx_queue %q", rx)
	}
	uid, err := strconv.ParseUint(f[7], 10, 32)
	if err != nil {
		return s, fmt.Errorf("bad uid %q", f[7])
	}
	s.UID = uint32(uid)
	if s.Inode, err = strconv.ParseUint(f[9], 10, 64); err != nil {
		return s, fmt.Errorf("bad inode %q", f[9])
	}
	return s, nil
}

// parseAddrPort parses "0100007F:1F90" (IPv4) or 32 hex digits + ":PORT" (IPv6).
func parseAddrPort(s string, order binary.ByteOrder) (netip.AddrPort, error) {
	h, p, ok := strings.Cut(s, ":")
	if !ok {
		return netip.AddrPort{}, fmt.Errorf("no port in %q", s)
	}
	port, err := strconv.ParseUint(p, 16, 16)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("bad port in %q", s)
	}
	raw, err := hex.DecodeString(h)
	if err != nil || (len(raw) != 4 && len(raw) != 16) {
		return netip.AddrPort{}, fmt.Errorf("bad address %q", h)
	}
	// The kernel printed each 32-bit word as a number loaded from memory in
	// host order; storing it back in that order gives the address bytes in
	// network order.
	var b [16]byte
	for i := 0; i < len(raw); i += 4 {
		order.PutUint32(b[i:], binary.BigEndian.Uint32(raw[i:]))
	}
	var a netip.Addr
	if len(raw) == 4 {
		a = netip.AddrFrom4([4]byte(b[:4]))
	} else {
		a = netip.AddrFrom16(b).Unmap()
	}
	return netip.AddrPortFrom(a, uint16(port)), nil
}
