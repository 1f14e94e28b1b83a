package codec

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseHex(t *testing.T) {
	good := []struct {
		in   string
		want []byte
	}{
		{"48 65 6c 6C 6f", []byte("Hello")},
		{"0x48,0x49", []byte("HI")},
		{"48:49:0a", []byte("HI\n")},
		{"4849", []byte("HI")},
		{"\\x48\\x49", []byte("HI")},
		{"0x480x49", []byte("HI")},
		{"  48\n49\r\n", []byte("HI")},
		{"de-ad-be-ef", []byte{0xde, 0xad, 0xbe, 0xef}},
		{"", []byte{}},
	}
	for _, g := range good {
		got, err := ParseHex(g.in)
		if err != nil || !bytes.Equal(got, g.want) {
			t.Errorf("ParseHex(%q) = %x, %v; want %x", g.in, got, err, g.want)
		}
	}
	bad := []struct {
		in        string
		pos, line int
		col       int
		kind      string
	}{
		{"48 4g", 4, 1, 5, ErrBadHexDigit},
		{"48 4", 3, 1, 4, ErrOddHexDigits},
		{"48\n zz", 4, 2, 2, ErrBadHexDigit},
		{"0x", 2, 1, 3, ErrBadHexDigit},
		{"你好 48", 0, 1, 1, ErrBadHexDigit},
		{"48 你", 3, 1, 4, ErrBadHexDigit},
		{"abc", 0, 1, 1, ErrOddHexDigits},
	}
	for _, b := range bad {
		_, err := ParseHex(b.in)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Fatalf("ParseHex(%q): err %v, want SyntaxError", b.in, err)
		}
		if se.Pos != b.pos || se.Line != b.line || se.Col != b.col || se.Kind != b.kind {
			t.Errorf("ParseHex(%q): %+v; want pos %d line %d col %d kind %s", b.in, se, b.pos, b.line, b.col, b.kind)
		}
		if se.Error() == "" {
			t.Error("empty message")
		}
	}
}

func TestFormatHexRoundTrip(t *testing.T) {
	p := []byte{0, 1, 0x7f, 0x80, 0xff, 'A'}
	s := FormatHex(p)
	if s != "00 01 7F 80 FF 41" {
		t.Fatalf("FormatHex = %q", s)
	}
	back, err := ParseHex(s)
	if err != nil || !bytes.Equal(back, p) {
		t.Fatalf("round trip: %x %v", back, err)
	}
}

func TestUnescape(t *testing.T) {
	got, err := Unescape(`GET / HTTP/1.1\r\nHost: x\r\n\r\n\x00\xFF\t\\`)
	if err != nil {
		t.Fatal(err)
	}
	want := "GET / HTTP/1.1\r\nHost: x\r\n\r\n\x00\xff\t\\"
	if string(got) != want {
		t.Fatalf("got %q want %q", got, want)
	}
	for _, c := range []struct {
		in   string
		pos  int
		kind string
	}{
		{`ab\q`, 2, ErrBadEscape},
		{`ab\x4`, 2, ErrShortEscape},
		{`ab\xZZ`, 2, ErrShortEscape},
		{`ab\`, 2, ErrBadEscape},
	} {
		_, err := Unescape(c.in)
		var se *SyntaxError
		if !errors.As(err, &se) || se.Pos != c.pos || se.Kind != c.kind {
			t.Errorf("Unescape(%q): %v (%+v)", c.in, err, se)
		}
	}
}

func TestEscapeRoundTrip(t *testing.T) {
	p := []byte("a\r\n\t\\\x00\xff你好")
	e := Escape(p)
	if strings.ContainsAny(e, "\r\n\t\x00") {
		t.Fatalf("Escape left control bytes: %q", e)
	}
	back, err := Unescape(e)
	if err != nil || !bytes.Equal(back, p) {
		t.Fatalf("round trip %q -> %q -> %q %v", p, e, back, err)
	}
}

func TestConvertLineEndings(t *testing.T) {
	in := "a\nb\r\nc\rd"
	for le, want := range map[LineEnding]string{LF: "a\nb\nc\nd", CRLF: "a\r\nb\r\nc\r\nd", None: "abcd", CR: "a\rb\rc\rd"} {
		if got := ConvertLineEndings(in, le); got != want {
			t.Errorf("%v: %q want %q", le, got, want)
		}
	}
}

func TestEncodeEscaped(t *testing.T) {
	got, err := EncodeEscaped("你好\\x41\n", CRLF, GBK, true)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, []byte{0xc4, 0xe3, 0xba, 0xc3, 'A', '\r', '\n'}) {
		t.Fatalf("got % x", got)
	}
	if _, err := EncodeEscaped("a\\q", LF, UTF8, true); err == nil {
		t.Fatal("bad escape accepted")
	} else {
		var se *SyntaxError
		if !errors.As(err, &se) || se.Pos != 1 {
			t.Fatalf("err %v", err)
		}
	}
	raw, _ := EncodeEscaped("a\\q", LF, UTF8, false)
	if string(raw) != "a\\q" {
		t.Fatalf("escapes off: %q", raw)
	}
	if _, err := Encode("😀", GBK); !errors.Is(err, ErrUnencodable) {
		t.Fatalf("emoji in GBK: %v", err)
	}
	if b, _ := Encode("你好", UTF8); len(b) != 6 {
		t.Fatal("utf8 len")
	}
	if b, _ := Encode("你好", GBK); len(b) != 4 {
		t.Fatal("gbk len")
	}
}

// Every split point of a GBK/GB18030/UTF-8 stream decodes to the same text.
func TestDecoderSplitAcrossReads(t *testing.T) {
	text := "你好, world! 中文字符 €\r\n测试"
	for _, cs := range Charsets {
		enc, err := Encode(text, cs)
		if err != nil {
			t.Fatal(cs, err)
		}
		for cut := 0; cut <= len(enc); cut++ {
			d := NewDecoder(cs)
			got := d.Decode(enc[:cut])
			got += d.Decode(enc[cut:])
			if got != text || d.Pending() != 0 {
				t.Fatalf("%s cut %d: %q (pending %d)", cs, cut, got, d.Pending())
			}
		}
		// byte by byte
		d := NewDecoder(cs)
		var b strings.Builder
		for i := range enc {
			b.WriteString(d.Decode(enc[i : i+1]))
		}
		if b.String() != text {
			t.Fatalf("%s byte by byte: %q", cs, b.String())
		}
	}
}

func TestDecoderInvalid(t *testing.T) {
	d := NewDecoder(UTF8)
	if got := d.Decode([]byte{'a', 0xff, 'b'}); got != "a\uFFFDb" {
		t.Fatalf("got %q", got)
	}
	if got := d.Decode([]byte{0xe4, 0xbd}); got != "" || d.Pending() != 2 {
		t.Fatalf("partial: %q %d", got, d.Pending())
	}
	if got := d.Flush(); got != "\uFFFD" {
		t.Fatalf("flush %q", got)
	}
	g := NewDecoder(GBK)
	if got := g.Decode([]byte{'x', 0xc4}); got != "x" || g.Pending() != 1 {
		t.Fatalf("gbk partial %q %d", got, g.Pending())
	}
	if got := DecodeAll([]byte{0xc4, 0xe3}, GBK); got != "你" {
		t.Fatalf("DecodeAll %q", got)
	}
}

func TestDump(t *testing.T) {
	got := Dump([]byte("GET / HTTP/1.1\r\nHost"), 0)
	want := "00000000  47 45 54 20 2f 20 48 54  54 50 2f 31 2e 31 0d 0a  |GET / HTTP/1.1..|\n" +
		"00000010  48 6f 73 74                                       |Host|\n"
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

func TestParseCharset(t *testing.T) {
	for in, want := range map[string]Charset{"utf8": UTF8, "GB2312": GBK, "gb18030": GB18030} {
		if c, err := ParseCharset(in); err != nil || c != want {
			t.Errorf("%s: %v %v", in, c, err)
		}
	}
	if _, err := ParseCharset("latin1"); err == nil {
		t.Error("latin1 accepted")
	}
}

func FuzzParseHex(f *testing.F) {
	for _, s := range []string{"48 65", "0x48,0x49", "\\x41", "zz", "4", "de:ad:be:ef", "0x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseHex(s)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("not a SyntaxError: %v", err)
			}
			if se.Pos < 0 || se.Pos > len(s) || se.Line < 1 || se.Col < 1 {
				t.Fatalf("bad position %+v for %q", se, s)
			}
			return
		}
		back, err := ParseHex(FormatHex(b))
		if err != nil || !bytes.Equal(back, b) {
			t.Fatalf("round trip failed for %q", s)
		}
	})
}

func FuzzUnescape(f *testing.F) {
	for _, s := range []string{`a\r\n`, `\x41\x4`, `\q`, `\\`, "你好\\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := Unescape(s)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Pos < 0 || se.Pos >= len(s) {
				t.Fatalf("bad error %v for %q", err, s)
			}
			return
		}
		back, err := Unescape(Escape(b))
		if err != nil || !bytes.Equal(back, b) {
			t.Fatalf("escape round trip failed for %q", s)
		}
	})
}

func FuzzDecoderSplit(f *testing.F) {
	f.Add([]byte("你好"), 1, uint8(1))
	f.Add([]byte{0xc4, 0xe3, 0xba}, 2, uint8(2))
	f.Fuzz(func(t *testing.T, p []byte, cut int, which uint8) {
		cs := Charsets[int(which)%len(Charsets)]
		if cut < 0 || cut > len(p) {
			return
		}
		whole := DecodeAll(p, cs)
		d := NewDecoder(cs)
		split := d.Decode(p[:cut]) + d.Decode(p[cut:]) + d.Flush()
		if !utf8.ValidString(split) {
			t.Fatal("invalid UTF-8 out")
		}
		if cs != UTF8 && split != whole {
			t.Fatalf("%s: split %q whole %q", cs, split, whole)
		}
	})
}
