package servermodels

import (
	"bytes"
	"strconv"
)

// The tiny HTTP handler every model serves: GET or HEAD of any path gets
// "hello from the NAME model\n". Keep-alive follows HTTP/1.1 (Connection:
// close or HTTP/1.0 end the connection).

// maxRequest bounds a request's head; larger ones get 431 and a close.
const maxRequest = 8 << 10

// responses are prebuilt per model.
type responses struct {
	keep, close, head, bad []byte
}

func newResponses(model string) *responses {
	body := "hello from the " + model + " model\n"
	mk := func(status, conn, b string, length int) []byte {
		return []byte("HTTP/1.1 " + status + "\r\nServer: netlab-" + model + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " +
			strconv.Itoa(length) + "\r\nConnection: " + conn + "\r\n\r\n" + b)
	}
	return &responses{
		keep:  mk("200 OK", "keep-alive", body, len(body)),
		close: mk("200 OK", "close", body, len(body)),
		head:  mk("200 OK", "keep-alive", "", len(body)),
		bad:   mk("400 Bad Request", "close", "bad request\n", len("bad request\n")),
	}
}

// handle answers the first complete request in buf. It returns how many
// bytes it used (0: the request is not complete yet), the answer, and
// whether to close the connection after writing it. forceClose makes
// every answer "Connection: close" (the blocking model).
func (r *responses) handle(buf []byte, forceClose bool) (used int, answer []byte, closeAfter bool) {
	end := bytes.Index(buf, []byte("\r\n\r\n"))
	if end < 0 {
		if len(buf) > maxRequest {
			return len(buf), r.bad, true
		}
		return 0, nil, false
	}
	used = end + 4
	head := buf[:end]
	line, rest, _ := bytes.Cut(head, []byte("\r\n"))
	parts := bytes.Split(line, []byte(" "))
	if len(parts) != 3 || !bytes.HasPrefix(parts[2], []byte("HTTP/1.")) || len(parts[1]) == 0 || parts[1][0] != '/' {
		return used, r.bad, true
	}
	method := string(parts[0])
	if method != "GET" && method != "HEAD" {
		return used, r.bad, true
	}
	keep := string(parts[2]) == "HTTP/1.1"
	for len(rest) > 0 {
		var h []byte
		h, rest, _ = bytes.Cut(rest, []byte("\r\n"))
		name, v, ok := bytes.Cut(h, []byte(":"))
		if ok && bytes.EqualFold(bytes.TrimSpace(name), []byte("connection")) {
			v = bytes.ToLower(bytes.TrimSpace(v))
			switch {
			case bytes.Contains(v, []byte("close")):
				keep = false
			case bytes.Contains(v, []byte("keep-alive")):
				keep = true
			}
		}
	}
	if forceClose {
		keep = false
	}
	switch {
	case method == "HEAD" && keep:
		return used, r.head, false
	case method == "HEAD":
		return used, r.close[:bytes.Index(r.close, []byte("\r\n\r\n"))+4], true
	case keep:
		return used, r.keep, false
	}
	return used, r.close, true
}
