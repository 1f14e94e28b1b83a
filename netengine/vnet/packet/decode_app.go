package packet

import (
	"bytes"
	"encoding/binary"
	"strings"

	"github.com/miekg/dns"
)

// http decodes an HTTP/1.x message start in f[start:end]: the request or
// status line (with its parts), each header line, and the body bytes
// present in this segment.
func (d *decoder) http(start, end int) {
	p := d.f[start:end]
	l := Layer{Name: "HTTP", Start: start, End: end, Summary: "Hypertext Transfer Protocol"}
	pos := 0
	first := true
	for pos < len(p) {
		nl := bytes.IndexByte(p[pos:], '\n')
		if nl < 0 {
			l.Fields = append(l.Fields, fld("Continuation", start+pos, end, string(p[pos:])))
			l.Problem = "header line cut at the end of the segment"
			pos = len(p)
			break
		}
		lineEnd := pos + nl + 1
		line := string(bytes.TrimRight(p[pos:lineEnd], "\r\n"))
		a, b := start+pos, start+lineEnd
		switch {
		case first:
			l.Fields = append(l.Fields, httpFirstField(line, a, b))
			l.Summary += ", " + line
			first = false
		case line == "":
			l.Fields = append(l.Fields, fld("End of headers", a, b, `\r\n`))
			pos = lineEnd
			goto body
		default:
			name, value, _ := strings.Cut(line, ":")
			l.Fields = append(l.Fields, fld(name, a, b, strings.TrimSpace(value)))
		}
		pos = lineEnd
	}
body:
	if pos < len(p) {
		l.Fields = append(l.Fields, fld("File data", start+pos, end, itoa(len(p)-pos)+" bytes"))
	}
	d.add(l)
}

// httpFirstField splits "GET /x HTTP/1.1" or "HTTP/1.1 200 OK" into its
// parts, with byte ranges.
func httpFirstField(line string, a, b int) Field {
	f := Field{Name: "Request line", Value: line, Start: a, End: b}
	names := []string{"Request Method", "Request URI", "Request Version"}
	if strings.HasPrefix(line, "HTTP/") {
		f.Name = "Status line"
		names = []string{"Response Version", "Status Code", "Response Phrase"}
	}
	pos := 0
	for i, name := range names {
		rest := line[pos:]
		part := rest
		if i < 2 {
			if sp := strings.IndexByte(rest, ' '); sp >= 0 {
				part = rest[:sp]
			}
		}
		f.Children = append(f.Children, fld(name, a+pos, a+pos+len(part), part))
		pos += len(part) + 1
		if pos > len(line) {
			break
		}
	}
	return f
}

var dnsFlagBits = []struct {
	name      string
	off, bits int
}{{"Response", 0, 1}, {"Opcode", 1, 4}, {"Authoritative", 5, 1}, {"Truncated", 6, 1}, {"Recursion desired", 7, 1},
	{"Recursion available", 8, 1}, {"Z", 9, 1}, {"Answer authenticated", 10, 1}, {"Non-authenticated data", 11, 1}, {"Reply code", 12, 4}}

// dns decodes a DNS message in f[start:end] (over TCP after its 2-byte
// length) with each section and record tied to its bytes. It returns
// false when the bytes are not a DNS message, so the caller shows Data.
func (d *decoder) dns(start, end int) bool {
	f := d.f
	l := Layer{Name: "DNS", Start: start, End: end}
	if d.b.Transport == TransportTCP {
		if end-start < 2 {
			return false
		}
		l.Fields = append(l.Fields, fld("Length", start, start+2, itoa(int(binary.BigEndian.Uint16(f[start:])))))
		start += 2
	}
	msg := f[start:end]
	if len(msg) < 12 {
		return false
	}
	m := new(dns.Msg)
	err := m.Unpack(msg)
	h := binary.BigEndian.Uint16(msg[2:])
	flags := Field{Name: "Flags", Start: start + 2, End: start + 4, Value: hex16(h)}
	for _, x := range dnsFlagBits {
		v := int(h>>(16-x.off-x.bits)) & (1<<x.bits - 1)
		val := itoa(v)
		switch x.name {
		case "Opcode":
			val = named(dns.OpcodeToString[v], v)
		case "Reply code":
			val = named(dns.RcodeToString[v], v)
		case "Response":
			val = map[int]string{0: "Message is a query", 1: "Message is a response"}[v]
		}
		flags.Children = append(flags.Children, bitFld(x.name, start+2, start+4, x.off, x.bits, val))
	}
	counts := [4]int{}
	for i := range counts {
		counts[i] = int(binary.BigEndian.Uint16(msg[4+2*i:]))
	}
	l.Fields = append(l.Fields,
		fld("Transaction ID", start, start+2, hex16(binary.BigEndian.Uint16(msg))),
		flags,
		fld("Questions", start+4, start+6, itoa(counts[0])),
		fld("Answer RRs", start+6, start+8, itoa(counts[1])),
		fld("Authority RRs", start+8, start+10, itoa(counts[2])),
		fld("Additional RRs", start+10, start+12, itoa(counts[3])))
	if err == nil {
		l.Summary = "Domain Name System (" + map[bool]string{false: "query", true: "response"}[m.Response] + ")"
	} else {
		l.Summary = "Domain Name System (malformed)"
		l.Problem = ProblemBadDNS.String() + ": " + err.Error()
	}
	// Walk the sections for byte ranges, as far as the message is sound.
	off := 12
	if counts[0] > 0 {
		qs := Field{Name: "Queries", Start: start + off}
		for i := 0; i < counts[0]; i++ {
			name, o2, err := dns.UnpackDomainName(msg, off)
			if err != nil || o2+4 > len(msg) {
				break
			}
			qt := dns.Type(binary.BigEndian.Uint16(msg[o2:]))
			qc := dns.Class(binary.BigEndian.Uint16(msg[o2+2:]))
			qs.Children = append(qs.Children, Field{Name: trimDot(name), Value: "type " + qt.String() + ", class " + qc.String(),
				Start: start + off, End: start + o2 + 4, Children: []Field{
					fld("Name", start+off, start+o2, trimDot(name)),
					fld("Type", start+o2, start+o2+2, named(qt.String(), int(qt))),
					fld("Class", start+o2+2, start+o2+4, qc.String()),
				}})
			off = o2 + 4
		}
		qs.End, qs.Value = start+off, itoa(len(qs.Children))
		l.Fields = append(l.Fields, qs)
	}
	for si, sec := range []string{"Answers", "Authoritative nameservers", "Additional records"} {
		if counts[si+1] == 0 {
			continue
		}
		s := Field{Name: sec, Start: start + off}
		for i := 0; i < counts[si+1]; i++ {
			rr, o2, err := dns.UnpackRR(msg, off)
			if err != nil || rr == nil {
				break
			}
			hd := rr.Header()
			_, nameEnd, _ := dns.UnpackDomainName(msg, off)
			val := "type " + dns.Type(hd.Rrtype).String() + ", class " + dns.Class(hd.Class).String()
			if short := rrShort(rr, false); short != dns.Type(hd.Rrtype).String() {
				val += ", " + short
			}
			if hd.Rrtype == dns.TypeOPT {
				val = "OPT (EDNS0)"
			}
			rf := Field{Name: trimDot(hd.Name), Value: val, Start: start + off, End: start + o2}
			if nameEnd > off && nameEnd+10 <= o2 {
				rf.Children = []Field{
					fld("Name", start+off, start+nameEnd, trimDot(hd.Name)),
					fld("Type", start+nameEnd, start+nameEnd+2, named(dns.Type(hd.Rrtype).String(), int(hd.Rrtype))),
					fld("Class", start+nameEnd+2, start+nameEnd+4, dns.Class(hd.Class).String()),
					fld("Time to live", start+nameEnd+4, start+nameEnd+8, utoa(uint64(hd.Ttl))),
					fld("Data length", start+nameEnd+8, start+nameEnd+10, itoa(int(hd.Rdlength))),
					fld("Data", start+nameEnd+10, start+o2, strings.TrimPrefix(rr.String(), hd.String())),
				}
			}
			s.Children = append(s.Children, rf)
			off = o2
		}
		s.End, s.Value = start+off, itoa(len(s.Children))
		l.Fields = append(l.Fields, s)
	}
	d.add(l)
	return true
}
