package httpserve

import (
	"strconv"
	"strings"
)

// byteRange is one satisfiable range [start, start+length).
type byteRange struct{ start, length int64 }

const maxRanges = 16

// parseRange parses a Range field for a representation of size bytes
// (RFC 9110 §14.1.2). ok=false means "ignore the field" (bad syntax, other
// unit, too many ranges); an empty list with ok=true means 416.
func parseRange(h string, size int64) (rs []byteRange, ok bool) {
	spec, found := strings.CutPrefix(strings.TrimSpace(h), "bytes=")
	if !found {
		return nil, false
	}
	parts := strings.Split(spec, ",")
	if len(parts) > maxRanges {
		return nil, false
	}
	var total int64
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		a, b, dash := strings.Cut(p, "-")
		if !dash {
			return nil, false
		}
		a, b = strings.TrimSpace(a), strings.TrimSpace(b)
		var r byteRange
		if a == "" { // suffix-range: last b bytes
			n, err := strconv.ParseInt(b, 10, 64)
			if err != nil || n < 0 || b[0] == '+' {
				return nil, false
			}
			if n == 0 || size == 0 {
				continue
			}
			if n > size {
				n = size
			}
			r = byteRange{size - n, n}
		} else {
			s, err := strconv.ParseInt(a, 10, 64)
			if err != nil || s < 0 || a[0] == '+' {
				return nil, false
			}
			e := size - 1
			if b != "" {
				e, err = strconv.ParseInt(b, 10, 64)
				if err != nil || e < s || b[0] == '+' {
					return nil, false
				}
				if e >= size {
					e = size - 1
				}
			}
			if s >= size {
				continue // unsatisfiable, others may still be
			}
			r = byteRange{s, e - s + 1}
		}
		total += r.length
		rs = append(rs, r)
	}
	if total > size && len(rs) > 1 {
		return nil, false // overlapping ranges bigger than the file: send it whole
	}
	return rs, true
}

func contentRange(r byteRange, size int64) string {
	return "bytes " + strconv.FormatInt(r.start, 10) + "-" + strconv.FormatInt(r.start+r.length-1, 10) + "/" + strconv.FormatInt(size, 10)
}
