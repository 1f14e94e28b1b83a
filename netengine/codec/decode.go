package codec

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Charset names the text encodings the workbench offers.
type Charset string

// The encodings classrooms in China meet: UTF-8 (browsers, Linux), GBK
// (Windows tools such as NetAssist) and GB18030 (GBK's superset).
const (
	UTF8    Charset = "UTF-8"
	GBK     Charset = "GBK"
	GB18030 Charset = "GB18030"
)

// Charsets lists the supported encodings in menu order.
var Charsets = []Charset{UTF8, GBK, GB18030}

// ParseCharset accepts the names above in any case, plus "utf8", "gb2312"
// (decoded as GBK, its superset) and "cp936".
func ParseCharset(name string) (Charset, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "utf-8", "utf8", "":
		return UTF8, nil
	case "gbk", "gb2312", "cp936":
		return GBK, nil
	case "gb18030":
		return GB18030, nil
	}
	return "", fmt.Errorf("unknown text encoding %q (use UTF-8, GBK or GB18030)", name)
}

func (c Charset) enc() encoding.Encoding {
	switch c {
	case GBK:
		return simplifiedchinese.GBK
	case GB18030:
		return simplifiedchinese.GB18030
	}
	return unicode.UTF8
}

// ErrUnencodable says a character has no representation in the charset.
var ErrUnencodable = errors.New("character cannot be written in this encoding")

// Encode converts UTF-8 text to bytes in c. A character c cannot represent
// (an emoji in GBK) is an error naming it.
func Encode(s string, c Charset) ([]byte, error) {
	if c == UTF8 || c == "" {
		return []byte(s), nil
	}
	e := c.enc().NewEncoder()
	out, err := e.Bytes([]byte(s))
	if err != nil {
		// find the first offending rune for the message
		for i, r := range s {
			if _, err2 := c.enc().NewEncoder().String(string(r)); err2 != nil {
				return nil, fmt.Errorf("%w: %q (%s, character %d)", ErrUnencodable, r, c, utf8.RuneCountInString(s[:i])+1)
			}
		}
		return nil, err
	}
	return out, nil
}

// EncodeEscaped is what the send box does in text mode: line breaks become
// le, escapes (\r \n \t \0 \\ \xHH) become their bytes, and the remaining
// text is encoded in c. \xHH bytes are raw: they are not re-encoded.
func EncodeEscaped(s string, le LineEnding, c Charset, escapes bool) ([]byte, error) {
	s = ConvertLineEndings(s, le)
	if !escapes || strings.IndexByte(s, '\\') < 0 {
		return Encode(s, c)
	}
	var out []byte
	lit := 0 // start of the current literal run
	flush := func(end int) error {
		if end > lit {
			b, err := Encode(s[lit:end], c)
			if err != nil {
				return err
			}
			out = append(out, b...)
		}
		return nil
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			continue
		}
		if err := flush(i); err != nil {
			return nil, err
		}
		j := i + 2
		if i+1 < len(s) && (s[i+1] == 'x' || s[i+1] == 'X') {
			j = i + 4
		}
		if j > len(s) {
			j = len(s)
		}
		b, err := Unescape(s[i:j])
		if err != nil {
			var se *SyntaxError
			if errors.As(err, &se) {
				return nil, newSyntaxErrorChar(s, i+se.Pos, se.Kind, se.Char)
			}
			return nil, err
		}
		out = append(out, b...)
		i = j - 1
		lit = j
	}
	if err := flush(len(s)); err != nil {
		return nil, err
	}
	return out, nil
}

func newSyntaxErrorChar(s string, pos int, kind, ch string) *SyntaxError {
	e := newSyntaxError(s, pos, kind)
	if ch != "" {
		e.Char = ch
	}
	return e
}

// Decoder decodes one byte stream (one direction of one connection) into
// text. Bytes of a character split across two reads are held back until
// the rest arrives, so the character is never broken. Invalid bytes become
// U+FFFD. A Decoder is not safe for concurrent use.
type Decoder struct {
	cs      Charset
	t       transform.Transformer
	pending []byte
	dst     []byte
}

// NewDecoder makes a stream decoder for c.
func NewDecoder(c Charset) *Decoder {
	return &Decoder{cs: c, t: c.enc().NewDecoder(), dst: make([]byte, 4096)}
}

// Charset is the decoder's encoding.
func (d *Decoder) Charset() Charset { return d.cs }

// Pending is the number of bytes held back waiting for the rest of a character.
func (d *Decoder) Pending() int { return len(d.pending) }

// Decode returns the text of every complete character in the stream so far
// that was not returned before.
func (d *Decoder) Decode(p []byte) string {
	src := p
	if len(d.pending) > 0 {
		src = append(d.pending, p...)
		d.pending = nil
	}
	if d.cs == UTF8 || d.cs == "" {
		return d.decodeUTF8(src)
	}
	var b strings.Builder
	for len(src) > 0 {
		nDst, nSrc, err := d.t.Transform(d.dst, src, false)
		b.Write(d.dst[:nDst])
		src = src[nSrc:]
		switch err {
		case nil:
		case transform.ErrShortDst:
			if nSrc == 0 && nDst == 0 {
				d.dst = make([]byte, 2*len(d.dst))
			}
			continue
		case transform.ErrShortSrc:
			d.pending = append([]byte(nil), src...)
			return b.String()
		default:
			// Not expected from x/text decoders (they replace); skip a byte.
			b.WriteRune(utf8.RuneError)
			src = src[1:]
			d.t.Reset()
		}
	}
	return b.String()
}

func (d *Decoder) decodeUTF8(src []byte) string {
	// hold back an incomplete sequence at the end
	cut := len(src)
	for k := 1; k <= 3 && k <= len(src); k++ {
		c := src[len(src)-k]
		if c < 0x80 {
			break
		}
		if c >= 0xC0 { // a lead byte: is its sequence complete?
			need := 2
			if c >= 0xF0 {
				need = 4
			} else if c >= 0xE0 {
				need = 3
			}
			if need > k && utf8.FullRune(src[len(src)-k:]) == false {
				cut = len(src) - k
			}
			break
		}
	}
	if cut < len(src) {
		d.pending = append([]byte(nil), src[cut:]...)
		src = src[:cut]
	}
	if utf8.Valid(src) {
		return string(src)
	}
	return string(bytes.ToValidUTF8(src, []byte("\uFFFD")))
}

// Flush returns the held-back bytes of an unfinished character as U+FFFD
// (end of stream) and resets the decoder.
func (d *Decoder) Flush() string {
	n := len(d.pending)
	d.pending = nil
	d.t.Reset()
	return strings.Repeat("\uFFFD", min(n, 1))
}

// DecodeAll decodes a whole stream at once.
func DecodeAll(p []byte, c Charset) string {
	d := NewDecoder(c)
	return d.Decode(p) + d.Flush()
}
