package httpteach

import (
	"bytes"
	"testing"

	"github.com/netlab-classroom/netlab/netengine/codec"
)

const chromeGET = "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nConnection: keep-alive\r\nCache-Control: max-age=0\r\n" +
	"Upgrade-Insecure-Requests: 1\r\nUser-Agent: Mozilla/5.0\r\nAccept: text/html\r\nAccept-Encoding: gzip, deflate, br\r\n" +
	"Accept-Language: zh-CN,zh;q=0.9\r\n\r\n"

func codes(ps []Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Code)
	}
	return out
}

func TestAnalyzeRequest(t *testing.T) {
	m := Analyze([]byte(chromeGET))
	if m.Kind != RequestKind || m.Method != "GET" || m.Target != "/" || m.Version != "HTTP/1.1" {
		t.Fatalf("start line: %+v", m)
	}
	if !m.BlankLine || !m.Complete() || len(m.Body) != 0 || len(m.Problems) != 0 {
		t.Fatalf("blank %v complete %v body %q problems %v", m.BlankLine, m.Complete(), m.Body, codes(m.Problems))
	}
	if len(m.Headers) != 8 {
		t.Fatalf("%d headers", len(m.Headers))
	}
	for _, h := range m.Headers {
		if h.Explain == "" {
			t.Errorf("no explanation for %s", h.Name)
		}
	}
	if v, _ := m.Get("host"); v != "127.0.0.1:8080" {
		t.Fatalf("Host %q", v)
	}
	if m.StartEnd != `\r\n` || m.BlankEnd != `\r\n` || m.Headers[0].End != `\r\n` {
		t.Fatalf("endings %q %q %q", m.StartEnd, m.BlankEnd, m.Headers[0].End)
	}
	if lf := Analyze([]byte("GET / HTTP/1.1\nHost: x\n\n")); lf.StartEnd != `\n` || lf.Headers[0].End != `\n` || lf.BlankEnd != `\n` {
		t.Fatalf("LF endings %+v", lf)
	}
	if m.HeaderBytes != len(chromeGET) {
		t.Fatalf("HeaderBytes %d", m.HeaderBytes)
	}
	if !LooksLikeHTTP([]byte(chromeGET)) || LooksLikeHTTP([]byte("hello world\r\n")) {
		t.Fatal("LooksLikeHTTP")
	}
}

func TestAnalyzeMistakes(t *testing.T) {
	cases := []struct {
		in   string
		want string
	}{
		{"HTTP/1.1 200 OK\r\n<h1>hi</h1>", "bad-header"},
		{"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n", "no-blank-line"},
		{"HTTP/1.1 200 OK\nContent-Length: 2\n\nhi", "lone-lf"},
		{"HTTP/1.1 200 OK\rContent-Length: 2\r\n\r\nhi", "lone-cr"},
		{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhello", "content-length"},
		{"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\nhi", "content-length"},
		{"hello there\r\n\r\n", "bad-start-line"},
		{"GET / HTTP/1.1\r\n\r\n", "no-host"},
	}
	for _, c := range cases {
		m := Analyze([]byte(c.in))
		found := false
		for _, p := range m.Problems {
			if p.Code == c.want {
				found = true
			}
		}
		if !found {
			t.Errorf("%q: problems %v, want %s", c.in, codes(m.Problems), c.want)
		}
	}
	// short body is fine while arriving, a problem when sending
	short := []byte("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhi")
	if m := Analyze(short); len(m.Problems) != 0 || m.Complete() {
		t.Fatalf("arriving: %v complete %v", codes(m.Problems), m.Complete())
	}
	if ps := CheckOutgoing(short); len(ps) != 1 || ps[0].Code != "content-length" {
		t.Fatalf("outgoing: %v", codes(ps))
	}
}

func TestComposeLengths(t *testing.T) {
	for _, c := range []struct {
		cs   codec.Charset
		want int
	}{{codec.UTF8, 6}, {codec.GBK, 4}, {codec.GB18030, 4}} {
		n, err := BodyLength("你好", c.cs)
		if err != nil || n != c.want {
			t.Fatalf("%s: %d %v", c.cs, n, err)
		}
		p, err := Compose(Response{Charset: c.cs, Body: "你好", Close: true})
		if err != nil {
			t.Fatal(err)
		}
		m := Analyze(p)
		if m.Kind != ResponseKind || m.StatusCode != 200 || m.ContentLength != c.want || len(m.Body) != c.want || len(m.Problems) != 0 {
			t.Fatalf("%s: %q -> %v", c.cs, p, codes(m.Problems))
		}
		if v, _ := m.Get("Connection"); v != "close" {
			t.Fatalf("Connection %q", v)
		}
		if got := codec.DecodeAll(m.Body, c.cs); got != "你好" {
			t.Fatalf("body %q", got)
		}
	}
	// body newlines are counted as CR LF
	txt, _ := ComposeText(Response{Status: 404, Body: "a\nb"})
	m := Analyze([]byte(txt))
	if m.StatusCode != 404 || m.Reason != "Not Found" || m.ContentLength != 4 || !bytes.Equal(m.Body, []byte("a\r\nb")) {
		t.Fatalf("%q", txt)
	}
	if _, err := Compose(Response{Charset: codec.GBK, Body: "😀"}); err == nil {
		t.Fatal("emoji in GBK accepted")
	}
}

func FuzzAnalyze(f *testing.F) {
	f.Add([]byte(chromeGET))
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"))
	f.Add([]byte("GET\r\n\r"))
	f.Fuzz(func(t *testing.T, p []byte) {
		m := Analyze(p)
		if m.HeaderBytes > len(p) || (m.BlankLine && m.HeaderBytes+len(m.Body) != len(p)) {
			t.Fatalf("offsets: %d + %d vs %d", m.HeaderBytes, len(m.Body), len(p))
		}
	})
}
