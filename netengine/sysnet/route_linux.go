package sysnet

import (
	"encoding/binary"
	"errors"
	"os"
	"sort"
)

// DefaultGateways returns the default routes (IPv4 and IPv6), lowest metric first.
func DefaultGateways() ([]Gateway, error) {
	var out []Gateway
	var errs []error
	if f, err := os.Open("/proc/net/route"); err == nil {
		g, err := ParseRoute(f, binary.NativeEndian)
		f.Close()
		out = append(out, g...)
		errs = append(errs, err)
	} else {
		errs = append(errs, err)
	}
	if f, err := os.Open("/proc/net/ipv6_route"); err == nil {
		g, err := ParseIPv6Route(f)
		f.Close()
		out = append(out, g...)
		errs = append(errs, err)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Addr.Is4() != out[j].Addr.Is4() {
			return out[i].Addr.Is4()
		}
		return out[i].Metric < out[j].Metric
	})
	if len(out) == 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}
