package httpteach

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/netlab-classroom/netlab/netengine/codec"
)

// Response describes a response the student composes.
type Response struct {
	Status int // 200 if 0
	// Reason defaults to the standard phrase of Status.
	Reason string
	// ContentType defaults to text/html.
	ContentType string
	// Charset is how the body is encoded; it also goes into Content-Type.
	Charset codec.Charset
	Body    string
	// Close adds "Connection: close" (short connection); otherwise keep-alive.
	Close bool
}

// ComposeText returns the response as text with CR LF line breaks, ready to
// be edited in the send box and sent with line ending CR LF. The body's own
// line breaks are counted as CR LF in Content-Length, because that is how
// the send box sends them. Content-Length counts bytes in r.Charset: "你好"
// is 6 bytes in UTF-8 and 4 in GBK.
func ComposeText(r Response) (string, error) {
	if r.Status == 0 {
		r.Status = 200
	}
	if r.Reason == "" {
		r.Reason = http.StatusText(r.Status)
		if r.Reason == "" {
			r.Reason = "Unknown"
		}
	}
	if r.ContentType == "" {
		r.ContentType = "text/html"
	}
	if r.Charset == "" {
		r.Charset = codec.UTF8
	}
	body := codec.ConvertLineEndings(r.Body, codec.CRLF)
	n, err := BodyLength(body, r.Charset)
	if err != nil {
		return "", err
	}
	conn := "keep-alive"
	if r.Close {
		conn = "close"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\n", r.Status, r.Reason)
	fmt.Fprintf(&b, "Content-Type: %s; charset=%s\r\n", r.ContentType, strings.ToLower(string(r.Charset)))
	fmt.Fprintf(&b, "Content-Length: %d\r\n", n)
	fmt.Fprintf(&b, "Connection: %s\r\n", conn)
	b.WriteString("\r\n")
	b.WriteString(body)
	return b.String(), nil
}

// Compose returns the response bytes, the body encoded in r.Charset.
func Compose(r Response) ([]byte, error) {
	s, err := ComposeText(r)
	if err != nil {
		return nil, err
	}
	return codec.Encode(s, r.Charset)
}

// BodyLength is the number of bytes body takes in charset c.
func BodyLength(body string, c codec.Charset) (int, error) {
	b, err := codec.Encode(body, c)
	if err != nil {
		return 0, err
	}
	return len(b), nil
}

// CheckOutgoing analyses a message about to be sent and returns its
// problems, including a body shorter than its Content-Length (the browser
// would wait for the missing bytes).
func CheckOutgoing(p []byte) []Problem {
	m := Analyze(p)
	probs := m.Problems
	if m.BodyShort() {
		probs = append(probs, Problem{Code: "content-length",
			Text: "Content-Length says {{.Declared}} bytes but the body has {{.Actual}}: the browser keeps waiting for the rest.",
			Args: map[string]any{"Declared": m.ContentLength, "Actual": len(m.Body)}})
	}
	return probs
}
