package httpserve

import (
	"runtime"
	"strings"
)

// cleanPath turns a request-target into a path relative to the served
// folder ("." for the folder itself), the way nginx does: percent-decode,
// then remove dot segments (RFC 3986 §5.2.4), so "/sub/../a.txt" and
// "/sub/%2e%2e/a.txt" are "a.txt" and "/sub/." is the folder "sub/". Every
// traversal form is refused before the file system is touched (os.Root
// then refuses symlinks that leave the folder). dir reports the folder form
// (a trailing slash, or a last segment "." or ".."). status is 0 when the
// path is fine, else:
//   - 400 for a path that climbs above the root ("/../a", "/a/../../b"), a
//     NUL byte or a bad escape: nginx answers 400 to all three;
//   - 403 for an encoded separator (%2F, %5C) or a backslash: nginx on
//     Linux decodes %2F into "/" and takes "\" as a name character, but
//     neither can be part of a file name on every system we serve from
//     (on Windows "\" is a separator), so we refuse them as before;
//   - 404 for a dotfile (unless dotfiles): hidden, as git's and ssh's are.
func cleanPath(target string, dotfiles bool) (rel string, dir bool, status int) {
	if rel, dir, ok := simplePath(target); ok {
		return rel, dir, 0
	}
	if i := strings.Index(target, "://"); i >= 0 && i < 6 { // absolute-form
		rest := target[i+3:]
		j := strings.IndexByte(rest, '/')
		if j < 0 {
			return ".", true, 0
		}
		target = rest[j:]
	}
	if i := strings.IndexAny(target, "?#"); i >= 0 {
		target = target[:i]
	}
	if target == "" || target[0] != '/' {
		return "", false, 400
	}
	lt := strings.ToLower(target)
	if strings.Contains(lt, "%00") {
		return "", false, 400
	}
	// Encoded separators are never part of a real file name here.
	if strings.Contains(lt, "%2f") || strings.Contains(lt, "%5c") {
		return "", false, 403
	}
	p, ok := unescape(target)
	if !ok || strings.IndexByte(p, 0) >= 0 {
		return "", false, 400
	}
	if strings.IndexByte(p, '\\') >= 0 {
		return "", false, 403
	}
	if runtime.GOOS == "windows" && strings.ContainsAny(p, ":*?\"<>|") {
		return "", false, 403
	}
	segs, dir, ok := removeDotSegments(p)
	if !ok {
		return "", false, 400
	}
	for _, s := range segs {
		if s[0] == '.' && !dotfiles {
			return "", false, 404
		}
	}
	if len(segs) == 0 {
		return ".", true, 0
	}
	return strings.Join(segs, "/"), dir, 0
}

// removeDotSegments splits the decoded absolute path p into its segments
// after RFC 3986 §5.2.4, merging empty segments ("//") as nginx does:
// "." is dropped, ".." drops the segment before it. ok is false when ".."
// would climb above the root. dir reports that the result ends in "/":
// a trailing slash, or a last segment "." or "..".
func removeDotSegments(p string) (segs []string, dir, ok bool) {
	segs = make([]string, 0, 8)
	for _, s := range strings.Split(p, "/") {
		switch s {
		case "", ".":
			dir = true
		case "..":
			if len(segs) == 0 {
				return nil, false, false
			}
			segs = segs[:len(segs)-1]
			dir = true
		default:
			segs = append(segs, s)
			dir = false
		}
	}
	return segs, dir, true
}

// simplePath is the fast path for the common target: "/" followed by
// segments of plain characters, no escapes, no dot segments or dotfiles, no
// empty segments, no query.
func simplePath(t string) (rel string, dir bool, ok bool) {
	if len(t) < 2 || t[0] != '/' || t[1] == '.' || t[1] == '/' {
		return "", false, false
	}
	for i := 1; i < len(t); i++ {
		c := t[i]
		// why: any byte that could start an escape, a dot segment, an empty
		// segment, a query or a Windows drive sends the target to the slow path.
		switch {
		case c == '/':
			if i+1 < len(t) && (t[i+1] == '/' || t[i+1] == '.') {
				return "", false, false
			}
		case c == '%' || c == '\\' || c == '?' || c == '#' || c == ':' || c < ' ' || c >= 0x7f:
			return "", false, false
		}
	}
	if t[len(t)-1] == '/' {
		return t[1 : len(t)-1], true, true
	}
	return t[1:], false, true
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// unescape decodes %XX sequences (a '+' stays a '+' in paths).
func unescape(s string) (string, bool) {
	if strings.IndexByte(s, '%') < 0 {
		return s, true
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b = append(b, s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", false
		}
		h, ok1 := unhex(s[i+1])
		l, ok2 := unhex(s[i+2])
		if !ok1 || !ok2 {
			return "", false
		}
		b = append(b, h<<4|l)
		i += 2
	}
	return string(b), true
}

// escapePath percent-encodes a path for links and Location fields.
func escapePath(p string) string {
	const hexd = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c >= 0x80 || c <= ' ' || strings.IndexByte("\"#%<>?[\\]^`{|}'", c) >= 0 {
			b.WriteByte('%')
			b.WriteByte(hexd[c>>4])
			b.WriteByte(hexd[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
