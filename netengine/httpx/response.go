package httpx

import (
	"strconv"
	"sync/atomic"
	"time"
)

// ServerName is the Server field value NetLab sends.
const ServerName = "NetLab"

// StatusText is the reason-phrase for the codes this package sends.
func StatusText(code int) string {
	switch code {
	case 200:
		return "OK"
	case 204:
		return "No Content"
	case 206:
		return "Partial Content"
	case 301:
		return "Moved Permanently"
	case 304:
		return "Not Modified"
	case 400:
		return "Bad Request"
	case 403:
		return "Forbidden"
	case 404:
		return "Not Found"
	case 405:
		return "Method Not Allowed"
	case 408:
		return "Request Timeout"
	case 412:
		return "Precondition Failed"
	case 414:
		return "URI Too Long"
	case 416:
		return "Range Not Satisfiable"
	case 431:
		return "Request Header Fields Too Large"
	case 500:
		return "Internal Server Error"
	case 501:
		return "Not Implemented"
	case 503:
		return "Service Unavailable"
	case 505:
		return "HTTP Version Not Supported"
	}
	return "Status " + strconv.Itoa(code)
}

var statusLines [600][]byte

func init() {
	for _, c := range []int{200, 204, 206, 301, 304, 400, 403, 404, 405, 408, 412, 414, 416, 431, 500, 501, 503, 505} {
		statusLines[c] = []byte("HTTP/1.1 " + strconv.Itoa(c) + " " + StatusText(c) + "\r\n")
	}
}

// AppendStatusLine appends "HTTP/1.1 code reason\r\n". A server answers
// HTTP/1.0 requests with its own version too (RFC 9110 §6.2).
func AppendStatusLine(b []byte, code int) []byte {
	if code > 0 && code < len(statusLines) && statusLines[code] != nil {
		return append(b, statusLines[code]...)
	}
	b = append(b, "HTTP/1.1 "...)
	b = strconv.AppendInt(b, int64(code), 10)
	b = append(b, ' ')
	b = append(b, StatusText(code)...)
	return append(b, "\r\n"...)
}

// AppendField appends "name: value\r\n".
func AppendField(b []byte, name, value string) []byte {
	b = append(b, name...)
	b = append(b, ": "...)
	b = append(b, value...)
	return append(b, "\r\n"...)
}

// AppendFieldInt appends "name: n\r\n".
func AppendFieldInt(b []byte, name string, n int64) []byte {
	b = append(b, name...)
	b = append(b, ": "...)
	b = strconv.AppendInt(b, n, 10)
	return append(b, "\r\n"...)
}

// AppendCommon appends the Date (for now) and Server fields every response carries.
func AppendCommon(b []byte, now time.Time) []byte {
	b = append(b, "Date: "...)
	b = append(b, DateAt(now)...)
	b = append(b, "\r\nServer: "+ServerName+"\r\n"...)
	return b
}

// TimeFormat is IMF-fixdate (RFC 9110 §5.6.7).
const TimeFormat = "Mon, 02 Jan 2006 15:04:05 GMT"

type dateCache struct {
	sec int64
	b   []byte
}

var curDate atomic.Pointer[dateCache]

// Date returns the current time as IMF-fixdate, formatted at most once per
// second. The slice must not be modified.
func Date() []byte { return DateAt(time.Now()) }

// DateAt is Date for a time the caller already has (time.Now is not free).
func DateAt(now time.Time) []byte {
	sec := now.Unix()
	if d := curDate.Load(); d != nil && d.sec == sec {
		return d.b
	}
	d := &dateCache{sec: sec, b: now.UTC().AppendFormat(make([]byte, 0, 29), TimeFormat)}
	curDate.Store(d)
	return d.b
}

// ParseTime parses an HTTP-date (IMF-fixdate, and the obsolete RFC 850 and
// asctime forms, RFC 9110 §5.6.7).
func ParseTime(v []byte) (time.Time, bool) {
	s := string(v)
	for _, f := range []string{TimeFormat, "Monday, 02-Jan-06 15:04:05 GMT", "Mon Jan _2 15:04:05 2006"} {
		if t, err := time.Parse(f, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
