package httpserve

import (
	"strconv"
	"strings"
	"time"

	"github.com/netlab-classroom/netlab/netengine/httpx"
)

// makeETag is a strong validator from modification time and size.
func makeETag(mod time.Time, size int64) string {
	return `"` + strconv.FormatInt(mod.UnixNano(), 36) + "-" + strconv.FormatInt(size, 36) + `"`
}

// etagList walks a comma-separated list of entity-tags (RFC 9110 §8.8.3).
func etagList(v string, f func(tag string, weak bool) bool) bool {
	for v != "" {
		v = strings.TrimLeft(v, " \t,")
		if v == "" {
			break
		}
		if v[0] == '*' {
			return f("*", false)
		}
		weak := false
		if strings.HasPrefix(v, "W/") {
			weak, v = true, v[2:]
		}
		if v == "" || v[0] != '"' {
			return false
		}
		end := strings.IndexByte(v[1:], '"')
		if end < 0 {
			return false
		}
		if f(v[:end+2], weak) {
			return true
		}
		v = v[end+2:]
	}
	return false
}

// checkIfNoneMatch: true when a tag matches (weak comparison) → 304.
func checkIfNoneMatch(h []byte, etag string) bool {
	return etagList(string(h), func(tag string, weak bool) bool { return tag == "*" || tag == etag })
}

// checkIfModifiedSince: true when the file is not newer than the date → 304.
func checkIfModifiedSince(h []byte, mod time.Time) bool {
	t, ok := httpx.ParseTime(h)
	return ok && !mod.Truncate(time.Second).After(t)
}

// checkIfRange: true when the Range may be honoured (RFC 9110 §13.1.5):
// a strong ETag equal to ours, or a date equal to Last-Modified.
func checkIfRange(h []byte, etag string, mod time.Time) bool {
	v := strings.TrimSpace(string(h))
	if strings.HasPrefix(v, `"`) {
		return v == etag
	}
	if strings.HasPrefix(v, "W/") {
		return false
	}
	t, ok := httpx.ParseTime(h)
	return ok && mod.Truncate(time.Second).Equal(t)
}

// acceptsGzip reads Accept-Encoding (q=0 refuses).
func acceptsGzip(h []byte) bool {
	for _, part := range strings.Split(string(h), ",") {
		part = strings.TrimSpace(part)
		name, params, _ := strings.Cut(part, ";")
		name = strings.TrimSpace(name)
		if !strings.EqualFold(name, "gzip") && name != "*" {
			continue
		}
		params = strings.ReplaceAll(params, " ", "")
		if q, ok := strings.CutPrefix(strings.ToLower(params), "q="); ok {
			if f, err := strconv.ParseFloat(q, 64); err == nil && f == 0 {
				return false
			}
		}
		return true
	}
	return false
}

// wantsJSON: the client prefers JSON to HTML for listings.
func wantsJSON(h []byte) bool {
	a := string(h)
	return strings.Contains(a, "application/json") && !strings.Contains(a, "text/html")
}
