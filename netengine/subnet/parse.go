package subnet

import (
	"net/netip"
	"strconv"
	"strings"

	"golang.org/x/text/width"
)

// Kind is what an input describes.
type Kind int

const (
	// KindPrefix is an address with a prefix length or a mask.
	KindPrefix Kind = iota
	// KindRange is a range FROM-TO of addresses.
	KindRange
)

// Input is a parsed calculator input.
type Input struct {
	Kind Kind
	// Text is the input after normalisation (spaces, full-width characters).
	Text string
	// Addr is the address as typed, without zone; Bits its prefix length.
	Addr netip.Addr
	Zone string
	Bits int
	// Mask is the dotted mask when one was typed (invalid otherwise).
	Mask netip.Addr
	// From and To bound a range (KindRange).
	From, To netip.Addr
}

// Prefix is the address with its prefix length (host bits kept).
func (in Input) Prefix() netip.Prefix { return netip.PrefixFrom(in.Addr, in.Bits) }

var dashes = strings.NewReplacer("–", "-", "—", "-", "~", "-", "。", ".", "｡", ".", "，", ",", " to ", "-")

// normalise makes typing forgiving: full-width characters from a Chinese
// input method become ASCII, dashes become '-', runs of spaces become one and
// spaces around '/' and '-' disappear.
func normalise(s string) string {
	s = width.Narrow.String(s)
	s = dashes.Replace(" " + s + " ")
	s = strings.Join(strings.Fields(s), " ")
	for _, sep := range []string{"/", "-"} {
		s = strings.ReplaceAll(s, " "+sep, sep)
		s = strings.ReplaceAll(s, sep+" ", sep)
	}
	return s
}

// Parse reads ADDR/PREFIX, ADDR/MASK, ADDR MASK, ADDR PREFIX or FROM-TO for
// IPv4 and IPv6. Every error is an *Error naming what is wrong.
func Parse(s string) (Input, error) {
	t := normalise(s)
	in := Input{Text: t}
	if t == "" {
		return in, newErr(CodeEmpty)
	}
	if strings.Contains(t, "-") && !strings.Contains(t, "/") {
		return parseRange(in)
	}
	var addrText, rest string
	if i := strings.IndexByte(t, '/'); i >= 0 {
		addrText, rest = t[:i], t[i+1:]
		if strings.ContainsAny(rest, "/ ") {
			return in, newErr(CodeTooManyParts, "Text", t)
		}
		if rest == "" {
			return in, newErr(CodeBadPrefix, "Text", `""`)
		}
	} else {
		f := strings.Fields(t)
		if len(f) > 2 {
			return in, newErr(CodeTooManyParts, "Text", t)
		}
		addrText = f[0]
		if len(f) == 2 {
			rest = f[1]
		}
	}
	a, zone, err := parseAddr(addrText)
	if err != nil {
		return in, err
	}
	in.Addr, in.Zone = a, zone
	if rest == "" {
		return in, newErr(CodeMissingPrefix, "Addr", addrText)
	}
	if strings.ContainsAny(rest, ".:") {
		m, err := netip.ParseAddr(rest)
		if err != nil || m.Zone() != "" {
			return in, newErr(CodeBadMask, "Text", rest)
		}
		if m.Is4() != a.Is4() {
			return in, newErr(CodeMaskFamily, "Addr", a.String(), "Mask", m.String())
		}
		b, err := MaskBits(m)
		if err != nil {
			return in, err
		}
		in.Mask, in.Bits = m, b
		return in, nil
	}
	n, err := strconv.Atoi(rest)
	if err != nil {
		return in, newErr(CodeBadPrefix, "Text", rest)
	}
	if n < 0 || n > a.BitLen() {
		return in, newErr(CodePrefixRange, "Prefix", rest, "Max", itoa(a.BitLen()))
	}
	in.Bits = n
	return in, nil
}

func parseAddr(s string) (netip.Addr, string, error) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, "", newErr(CodeBadAddress, "Text", strconv.Quote(s))
	}
	zone := a.Zone()
	return a.WithZone(""), zone, nil
}

func parseRange(in Input) (Input, error) {
	parts := strings.Split(in.Text, "-")
	if len(parts) != 2 || strings.Contains(parts[0], " ") || strings.Contains(parts[1], " ") {
		return in, newErr(CodeTooManyParts, "Text", in.Text)
	}
	from, _, err := parseAddr(parts[0])
	if err != nil {
		return in, err
	}
	to, _, err := parseAddr(parts[1])
	if err != nil {
		return in, err
	}
	if from.Is4() != to.Is4() {
		return in, newErr(CodeRangeFamily, "From", from.String(), "To", to.String())
	}
	if to.Less(from) {
		return in, newErr(CodeRangeReversed, "From", from.String(), "To", to.String())
	}
	in.Kind, in.From, in.To, in.Addr = KindRange, from, to, from
	return in, nil
}

// MaskBits returns the prefix length of a contiguous mask. For a mask with a
// 1 after a 0 it returns an CodeNonContiguous error that says which bit
// breaks the rule and which contiguous mask the leading ones make.
func MaskBits(m netip.Addr) (int, error) {
	b := m.AsSlice()
	ones, seenZero, bad := 0, false, 0
	for i, x := range b {
		for j := 7; j >= 0; j-- {
			bit := x>>uint(j)&1 == 1
			pos := i*8 + (7 - j) + 1
			switch {
			case bit && !seenZero:
				ones++
			case !bit:
				seenZero = true
			case bit && seenZero && bad == 0:
				bad = pos
			}
		}
	}
	if bad != 0 {
		return ones, newErr(CodeNonContiguous, "Mask", m.String(), "Bit", itoa(bad),
			"Binary", Binary(m, 8), "Shorter", itoa(ones))
	}
	return ones, nil
}

// Binary writes a in binary, groups of group bits separated by '.' (IPv4,
// group 8) or ':' (IPv6, group 16).
func Binary(a netip.Addr, group int) string {
	b := a.AsSlice()
	sep := "."
	if a.Is6() {
		sep = ":"
	}
	var sb strings.Builder
	for i := 0; i < len(b)*8; i++ {
		if i > 0 && i%group == 0 {
			sb.WriteString(sep)
		}
		if b[i/8]>>(7-uint(i%8))&1 == 1 {
			sb.WriteByte('1')
		} else {
			sb.WriteByte('0')
		}
	}
	return sb.String()
}

// MaskAddr is the mask of prefix length n in the family of a (all ones then zeros).
func MaskAddr(is4 bool, n int) netip.Addr {
	size := 16
	if is4 {
		size = 4
	}
	b := make([]byte, size)
	for i := range b {
		switch {
		case n >= 8:
			b[i] = 0xff
			n -= 8
		case n > 0:
			b[i] = ^byte(0xff >> uint(n))
			n = 0
		}
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// invert flips every bit of a (mask → wildcard).
func invert(a netip.Addr) netip.Addr {
	b := a.AsSlice()
	for i := range b {
		b[i] = ^b[i]
	}
	r, _ := netip.AddrFromSlice(b)
	return r
}

// ParseAddr reads a single address (a gateway), forgiving of spaces and
// full-width characters; a zone is dropped.
func ParseAddr(s string) (netip.Addr, error) {
	t := normalise(s)
	if t == "" {
		return netip.Addr{}, newErr(CodeEmpty)
	}
	a, _, err := parseAddr(t)
	return a, err
}
