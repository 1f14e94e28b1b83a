package codec

import (
	"strings"
	"unicode/utf8"
)

// Unescape turns the escapes \r \n \t \0 \\ and \xHH in s into bytes; all
// other text is kept as is (UTF-8). An unknown escape or a short \x is an
// error naming its position, so a typo never sends something unexpected.
func Unescape(s string) ([]byte, error) {
	if strings.IndexByte(s, '\\') < 0 {
		return []byte(s), nil
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		if i+1 >= len(s) {
			return nil, newSyntaxError(s, i, ErrBadEscape)
		}
		switch s[i+1] {
		case 'r':
			out = append(out, '\r')
		case 'n':
			out = append(out, '\n')
		case 't':
			out = append(out, '\t')
		case '0':
			out = append(out, 0)
		case '\\':
			out = append(out, '\\')
		case 'x', 'X':
			if i+3 >= len(s) {
				return nil, newSyntaxError(s, i, ErrShortEscape)
			}
			hi, ok1 := hexVal(s[i+2])
			lo, ok2 := hexVal(s[i+3])
			if !ok1 || !ok2 {
				return nil, newSyntaxError(s, i, ErrShortEscape)
			}
			out = append(out, hi<<4|lo)
			i += 2
		default:
			e := newSyntaxError(s, i, ErrBadEscape)
			r, _ := utf8.DecodeRuneInString(s[i+1:])
			e.Char = string(r)
			return nil, e
		}
		i++
	}
	return out, nil
}

// Escape is the inverse of Unescape for display: CR, LF and TAB become \r \n
// \t, a backslash becomes \\, other control bytes and invalid UTF-8 become
// \xHH. Unescape(Escape(p)) == p for every p.
func Escape(p []byte) string {
	const digits = "0123456789ABCDEF"
	var b strings.Builder
	for len(p) > 0 {
		r, size := utf8.DecodeRune(p)
		switch {
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\\':
			b.WriteString(`\\`)
		case (r == utf8.RuneError && size == 1) || r < 0x20 || r == 0x7f:
			b.WriteString(`\x`)
			b.WriteByte(digits[p[0]>>4])
			b.WriteByte(digits[p[0]&15])
			size = 1
		default:
			b.Write(p[:size])
		}
		p = p[size:]
	}
	return b.String()
}

// LineEnding is what an end of line becomes when text is sent.
type LineEnding int

const (
	// LF sends "\n" (Unix).
	LF LineEnding = iota
	// CRLF sends "\r\n" (HTTP, SMTP, Windows, most teaching protocols).
	CRLF
	// None strips line breaks: the lines are sent back to back.
	None
	// CR sends "\r" (old Mac, some devices).
	CR
)

// String is the short label of the line ending.
func (l LineEnding) String() string {
	switch l {
	case CRLF:
		return "CR LF"
	case None:
		return "none"
	case CR:
		return "CR"
	}
	return "LF"
}

// Bytes is the byte sequence of the line ending ("" for None).
func (l LineEnding) Bytes() string {
	switch l {
	case CRLF:
		return "\r\n"
	case None:
		return ""
	case CR:
		return "\r"
	}
	return "\n"
}

// ConvertLineEndings rewrites every line break in s (CR LF, LF or a lone CR)
// as le. Text typed in an Entry has LF breaks; HTTP wants CR LF.
func ConvertLineEndings(s string, le LineEnding) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	nl := le.Bytes()
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			b.WriteString(nl)
		case '\n':
			b.WriteString(nl)
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
