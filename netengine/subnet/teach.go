package subnet

import (
	"fmt"
	"net/netip"
)

// Step is one octet (IPv4) or one 16-bit group (IPv6) of the AND and OR
// that give the network and the broadcast (last) address.
type Step struct {
	Index int // 1-based octet or group number
	// Values of this group; Width is 8 (IPv4) or 16 (IPv6) bits.
	Addr, Mask, Network, Wildcard, Last uint16
	Width                               int
	// NetBits is how many of this group's bits belong to the network (0..Width).
	NetBits int
}

// Text formats v as decimal (IPv4) or hex (IPv6).
func (s Step) Text(v uint16) string {
	if s.Width == 8 {
		return fmt.Sprint(v)
	}
	return fmt.Sprintf("%x", v)
}

// Bin formats v in binary, Width digits.
func (s Step) Bin(v uint16) string { return fmt.Sprintf("%0*b", s.Width, v) }

// Steps returns the AND/OR work of r group by group.
func Steps(r *Result) []Step {
	w := 8
	if r.Version == 6 {
		w = 16
	}
	a, m, nw, wc, l := r.Address.AsSlice(), r.Mask.AsSlice(), r.Network.AsSlice(), r.Wildcard.AsSlice(), r.Last.AsSlice()
	get := func(b []byte, i int) uint16 {
		if w == 8 {
			return uint16(b[i])
		}
		return uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	n := len(a) * 8 / w
	out := make([]Step, n)
	for i := range out {
		nb := r.Bits - i*w
		nb = max(0, min(nb, w))
		out[i] = Step{Index: i + 1, Width: w, NetBits: nb,
			Addr: get(a, i), Mask: get(m, i), Network: get(nw, i), Wildcard: get(wc, i), Last: get(l, i)}
	}
	return out
}

// Block is the "block size" shortcut: in the interesting group (where the
// mask is neither all ones nor all zeros, or the last all-ones group), the
// networks start at multiples of Size = 2^(host bits of that group).
type Block struct {
	Index int    // 1-based group
	Mask  uint16 // mask value of that group
	Size  uint32 // 256 − mask (IPv4) or 65536 − mask (IPv6)
	Addr  uint16 // the address's value in that group
	Start uint16 // the multiple of Size at or below Addr (network's value)
	End   uint32 // Start + Size − 1 (last address's value)
	Width int
}

// BlockOf returns the block-size shortcut for r (ok=false for /0 and full-length prefixes
// handled the same way: the group containing the boundary).
func BlockOf(r *Result) (Block, bool) {
	st := Steps(r)
	if r.Bits == 0 || r.Bits == r.Address.BitLen() {
		return Block{}, false
	}
	w := st[0].Width
	i := (r.Bits - 1) / w // group containing the last network bit
	if r.Bits%w == 0 {
		// boundary on a group edge: the next group is all host bits, block = whole group
		i = r.Bits / w
	}
	s := st[i]
	size := uint32(1)<<uint(w) - uint32(s.Mask)
	return Block{Index: i + 1, Mask: s.Mask, Size: size, Addr: s.Addr, Start: s.Network,
		End: uint32(s.Network) + size - 1, Width: w}, true
}

// Contains reports whether a is in prefix p (zones ignored).
func Contains(p netip.Prefix, a netip.Addr) bool { return p.Contains(a.WithZone("")) }
