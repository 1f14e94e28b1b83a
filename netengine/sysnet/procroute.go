package sysnet

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

// Route flags of Linux's route tables (linux/route.h).
const (
	rtfUp      = 0x1
	rtfGateway = 0x2
	rtfReject  = 0x200
)

// ParseRoute reads Linux's /proc/net/route and returns its default routes
// through a gateway. Addresses there are 32-bit hex numbers in the kernel's
// byte order (order: binary.NativeEndian on the machine that wrote them).
func ParseRoute(r io.Reader, order binary.ByteOrder) ([]Gateway, error) {
	sc := bufio.NewScanner(r)
	var out []Gateway
	line := 0
	for sc.Scan() {
		line++
		f := strings.Fields(sc.Text())
		if line == 1 || len(f) == 0 {
			continue // header
		}
		if len(f) < 8 {
			return out, fmt.Errorf("/proc/net/route line %d: %d fields", line, len(f))
		}
		dst, err1 := hexIPv4(f[1], order)
		gw, err2 := hexIPv4(f[2], order)
		flags, err3 := strconv.ParseUint(f[3], 16, 32)
		metric, err4 := strconv.Atoi(f[6])
		mask, err5 := hexIPv4(f[7], order)
		for _, err := range []error{err1, err2, err3, err4, err5} {
			if err != nil {
				return out, fmt.Errorf("/proc/net/route line %d: %w", line, err)
			}
		}
		if dst.IsUnspecified() && mask.IsUnspecified() && flags&(rtfUp|rtfGateway) == rtfUp|rtfGateway && flags&rtfReject == 0 {
			out = append(out, Gateway{Interface: f[0], Addr: gw, Metric: metric})
		}
	}
	return out, sc.Err()
}

func hexIPv4(s string, order binary.ByteOrder) (netip.Addr, error) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 4 {
		return netip.Addr{}, fmt.Errorf("bad address %q", s)
	}
	// The file prints the 32-bit word holding the address (network order
	// in memory) as a number in the kernel's byte order: on little-endian
	// machines the bytes come out reversed.
	a := [4]byte(b)
	if isLittle(order) {
		a[0], a[1], a[2], a[3] = a[3], a[2], a[1], a[0]
	}
	return netip.AddrFrom4(a), nil
}

func isLittle(order binary.ByteOrder) bool {
	var b [2]byte
	order.PutUint16(b[:], 1)
	return b[0] == 1
}

// ParseIPv6Route reads Linux's /proc/net/ipv6_route and returns its
// default routes (::/0) through a gateway.
func ParseIPv6Route(r io.Reader) ([]Gateway, error) {
	sc := bufio.NewScanner(r)
	var out []Gateway
	line := 0
	for sc.Scan() {
		line++
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		if len(f) < 10 {
			return out, fmt.Errorf("/proc/net/ipv6_route line %d: %d fields", line, len(f))
		}
		dst, err1 := hexIPv6(f[0])
		plen, err2 := strconv.ParseUint(f[1], 16, 8)
		gw, err3 := hexIPv6(f[4])
		metric, err4 := strconv.ParseUint(f[5], 16, 32)
		flags, err5 := strconv.ParseUint(f[8], 16, 32)
		for _, err := range []error{err1, err2, err3, err4, err5} {
			if err != nil {
				return out, fmt.Errorf("/proc/net/ipv6_route line %d: %w", line, err)
			}
		}
		if dst.IsUnspecified() && plen == 0 && !gw.IsUnspecified() && flags&rtfUp != 0 && flags&rtfReject == 0 {
			out = append(out, Gateway{Interface: f[9], Addr: gw, Metric: int(metric)})
		}
	}
	return out, sc.Err()
}

func hexIPv6(s string) (netip.Addr, error) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 16 {
		return netip.Addr{}, fmt.Errorf("bad address %q", s)
	}
	return netip.AddrFrom16([16]byte(b)), nil
}
