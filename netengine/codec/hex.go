// Package codec turns what students type into bytes and received bytes into
// text: a tolerant hex parser, text escapes, line-ending conversion,
// streaming decoders for UTF-8, GBK and GB18030 that never break a character
// split across two reads, and hex dumps. Nothing here imports Fyne.
package codec

import (
	"fmt"
	"strings"
)

// SyntaxError names where input stopped making sense. Pos is a 0-based byte
// offset into the input; Col is the 1-based character (rune) column on Line.
type SyntaxError struct {
	Pos  int
	Line int
	Col  int
	// Char is the offending character, or "" at end of input.
	Char string
	// Kind is a stable machine-readable reason (see the Err* constants).
	Kind string
}

// Kinds of SyntaxError.
const (
	ErrBadHexDigit   = "bad-hex-digit"
	ErrOddHexDigits  = "odd-hex-digits"
	ErrBadEscape     = "bad-escape"
	ErrShortEscape   = "short-escape"
	ErrUnfinishedHex = "unfinished-hex"
)

func (e *SyntaxError) Error() string {
	switch e.Kind {
	case ErrOddHexDigits:
		return fmt.Sprintf("line %d, column %d: a hex byte needs two digits", e.Line, e.Col)
	case ErrBadEscape:
		return fmt.Sprintf("line %d, column %d: unknown escape \\%s (use \\r \\n \\t \\\\ \\xHH)", e.Line, e.Col, e.Char)
	case ErrShortEscape:
		return fmt.Sprintf("line %d, column %d: \\x needs two hex digits", e.Line, e.Col)
	}
	if e.Char == "" {
		return fmt.Sprintf("line %d, column %d: unexpected end of input", e.Line, e.Col)
	}
	return fmt.Sprintf("line %d, column %d: %q is not a hex digit", e.Line, e.Col, e.Char)
}

func newSyntaxError(s string, pos int, kind string) *SyntaxError {
	line, col := 1, 1
	for i, r := range s {
		if i >= pos {
			break
		}
		if r == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	ch := ""
	if pos < len(s) {
		r := []rune(s[pos:])[0]
		ch = string(r)
	}
	return &SyntaxError{Pos: pos, Line: line, Col: col, Char: ch, Kind: kind}
}

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func isHexSep(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', ',', ':', ';', '-', '_', '|':
		return true
	}
	return false
}

// ParseHex reads hex bytes leniently: separators (spaces, tabs, newlines,
// commas, colons, semicolons, dashes) anywhere between bytes, optional 0x or
// \x prefixes, upper or lower case. Digits may also run together ("48656c").
// A group with an odd number of digits such as "0x4" or "abc" is an error
// naming its position, rather than a silent guess.
func ParseHex(s string) ([]byte, error) {
	out := make([]byte, 0, len(s)/2)
	i := 0
	for i < len(s) {
		c := s[i]
		if isHexSep(c) {
			i++
			continue
		}
		// optional prefix 0x / 0X / \x
		start := i
		if (c == '0' && i+1 < len(s) && (s[i+1] == 'x' || s[i+1] == 'X')) || (c == '\\' && i+1 < len(s) && (s[i+1] == 'x' || s[i+1] == 'X')) {
			i += 2
			if i >= len(s) || isHexSep(s[i]) {
				return nil, newSyntaxError(s, i, ErrBadHexDigit)
			}
		}
		// a group of digits up to the next separator
		n := 0
		groupStart := i
		for i < len(s) && !isHexSep(s[i]) {
			if s[i] == '\\' || (s[i] == '0' && i+1 < len(s) && (s[i+1] == 'x' || s[i+1] == 'X') && n%2 == 0 && n > 0) {
				break // next prefixed byte glued on: \x48\x49 or 0x480x49
			}
			if _, ok := hexVal(s[i]); !ok {
				return nil, newSyntaxError(s, i, ErrBadHexDigit)
			}
			n++
			i++
		}
		if n == 0 {
			return nil, newSyntaxError(s, start, ErrBadHexDigit)
		}
		if n%2 != 0 {
			return nil, newSyntaxError(s, groupStart, ErrOddHexDigits)
		}
		for j := groupStart; j < groupStart+n; j += 2 {
			hi, _ := hexVal(s[j])
			lo, _ := hexVal(s[j+1])
			out = append(out, hi<<4|lo)
		}
	}
	return out, nil
}

// FormatHex writes p as upper-case hex bytes separated by spaces ("48 65 6C").
func FormatHex(p []byte) string {
	const digits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(p) * 3)
	for i, c := range p {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte(digits[c>>4])
		b.WriteByte(digits[c&15])
	}
	return b.String()
}

// Dump formats p like `hexdump -C`: offset, 16 hex bytes in two groups of 8,
// and the printable ASCII column (other bytes as '.'). base is the offset
// of p[0] in the stream.
func Dump(p []byte, base int64) string {
	var b strings.Builder
	for off := 0; off < len(p); off += 16 {
		b.WriteString(DumpLine(p[off:min(off+16, len(p))], base+int64(off)))
		b.WriteByte('\n')
	}
	return b.String()
}

// DumpLine formats up to 16 bytes as one hex dump line (no newline).
func DumpLine(p []byte, offset int64) string {
	const digits = "0123456789abcdef"
	var b strings.Builder
	b.Grow(80)
	fmt.Fprintf(&b, "%08x  ", offset)
	for i := 0; i < 16; i++ {
		if i < len(p) {
			b.WriteByte(digits[p[i]>>4])
			b.WriteByte(digits[p[i]&15])
			b.WriteByte(' ')
		} else {
			b.WriteString("   ")
		}
		if i == 7 {
			b.WriteByte(' ')
		}
	}
	b.WriteString(" |")
	for _, c := range p {
		if c >= 0x20 && c < 0x7f {
			b.WriteByte(c)
		} else {
			b.WriteByte('.')
		}
	}
	b.WriteByte('|')
	return b.String()
}
