package dnsx

import (
	"embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/miekg/dns"
)

//go:embed zones/*.zone
var builtinZones embed.FS

// Zone is one zone the classroom server is authoritative for.
type Zone struct {
	// Origin is the zone's apex, a lower-case fully qualified name ("." for the root).
	Origin string
	// File is where the zone was read from ("" for a built-in zone).
	File string
	// Records in file order. The SOA comes first once the zone is valid.
	Records []dns.RR
}

// ZoneError is a problem in a zone, with the line it comes from when known.
type ZoneError struct {
	File string // file or zone name
	Line int    // 1-based; 0 when the problem is not tied to a line
	Msg  string // in English
	// Code and Args say the problems Validate finds for the GUI to
	// translate (Code is "" for the parser's own messages).
	Code RecordCode
	Args map[string]string
}

func (e *ZoneError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

var parseErrLine = regexp.MustCompile(`^(?:.*?: )?dns: (.*) at line: (\d+):(\d+)$`)

// zoneErrorOf turns a miekg/dns parse error into a ZoneError with its line.
func zoneErrorOf(file string, err error) *ZoneError {
	s := err.Error()
	if m := parseErrLine.FindStringSubmatch(s); m != nil {
		line, _ := strconv.Atoi(m[2])
		return &ZoneError{File: file, Line: line, Msg: m[1]}
	}
	return &ZoneError{File: file, Msg: strings.TrimPrefix(s, "dns: ")}
}

// ParseZone reads an RFC 1035 master file with miekg/dns's ZoneParser.
// origin may be "" when the file says $ORIGIN or uses absolute names; the
// zone's origin is then the owner of its SOA record. file names the source
// in errors. Errors are *ZoneError with the line number.
func ParseZone(r io.Reader, origin, file string) (*Zone, error) {
	if origin != "" {
		origin = dns.CanonicalName(origin)
	}
	zp := dns.NewZoneParser(r, origin, file)
	zp.SetDefaultTTL(3600)
	z := &Zone{Origin: origin, File: file}
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		rr.Header().Name = dns.CanonicalName(rr.Header().Name)
		z.Records = append(z.Records, rr)
	}
	if err := zp.Err(); err != nil {
		return nil, zoneErrorOf(file, err)
	}
	if z.Origin == "" {
		for _, rr := range z.Records {
			if rr.Header().Rrtype == dns.TypeSOA {
				z.Origin = rr.Header().Name
				break
			}
		}
	}
	if z.Origin == "" {
		e := recordErr(CodeZoneNoOrigin, "")
		return nil, &ZoneError{File: file, Msg: e.Error(), Code: e.Code}
	}
	if err := z.Validate(); err != nil {
		return nil, err
	}
	return z, nil
}

// LoadZoneFile reads and validates one master file; the origin comes from
// the file ($ORIGIN or the SOA owner).
func LoadZoneFile(path string) (*Zone, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseZone(f, "", path)
}

// BuiltinZones returns fresh copies of the shipped classroom hierarchy:
// ".", "lab.", "classroom.lab." and "2.0.192.in-addr.arpa.".
func BuiltinZones() []*Zone {
	ents, err := builtinZones.ReadDir("zones")
	if err != nil {
		panic(err)
	}
	var out []*Zone
	for _, e := range ents {
		f, err := builtinZones.Open("zones/" + e.Name())
		if err != nil {
			panic(err)
		}
		z, err := ParseZone(f, "", e.Name())
		f.Close()
		if err != nil {
			panic("built-in zone: " + err.Error())
		}
		z.File = ""
		out = append(out, z)
	}
	sortZones(out)
	return out
}

// sortZones orders zones root first, then by name from the top of the tree.
func sortZones(zs []*Zone) {
	sort.SliceStable(zs, func(i, j int) bool {
		a, b := dns.CountLabel(zs[i].Origin), dns.CountLabel(zs[j].Origin)
		if a != b {
			return a < b
		}
		return zs[i].Origin < zs[j].Origin
	})
}

// Validate checks what a server needs: exactly one SOA, at the apex; at
// least one NS at the apex; every name inside the zone; no CNAME beside
// other data. The error joins one *ZoneError per problem.
func (z *Zone) Validate() error {
	src := z.File
	if src == "" {
		src = z.Origin
	}
	var errs []error
	bad := func(c RecordCode, kv ...string) {
		e := recordErr(c, "", kv...)
		errs = append(errs, &ZoneError{File: src, Msg: e.Error(), Code: c, Args: e.Args})
	}
	var soa, apexNS int
	types := map[string]map[uint16]bool{}
	for _, rr := range z.Records {
		h := rr.Header()
		if !dns.IsSubDomain(z.Origin, h.Name) {
			bad(CodeZoneOutside, "Name", h.Name, "Zone", z.Origin)
			continue
		}
		if h.Class != dns.ClassINET {
			bad(CodeZoneClass, "Name", h.Name)
		}
		if _, err := dns.NewRR(rr.String()); err != nil || RecordOf(rr).Data == "" {
			// the parser accepts some records without (all) their data
			bad(CodeZoneIncomplete, "Name", h.Name, "Type", TypeName(h.Rrtype))
			continue
		}
		switch h.Rrtype {
		case dns.TypeSOA:
			soa++
			if h.Name != z.Origin {
				bad(CodeZoneSOAPlace, "Zone", z.Origin, "Name", h.Name)
			}
		case dns.TypeNS:
			if h.Name == z.Origin {
				apexNS++
			}
		}
		if types[h.Name] == nil {
			types[h.Name] = map[uint16]bool{}
		}
		types[h.Name][h.Rrtype] = true
	}
	if soa != 1 {
		bad(CodeZoneSOACount, "Count", strconv.Itoa(soa))
	}
	if apexNS == 0 {
		bad(CodeZoneNoNS, "Zone", z.Origin)
	}
	names := make([]string, 0, len(types))
	for n := range types {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		ts := types[n]
		if ts[dns.TypeCNAME] && len(ts) > 1 {
			bad(CodeZoneCNAME, "Name", n)
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	// SOA first, the rest in their order.
	sort.SliceStable(z.Records, func(i, j int) bool {
		return z.Records[i].Header().Rrtype == dns.TypeSOA && z.Records[j].Header().Rrtype != dns.TypeSOA
	})
	return nil
}

// Clone copies the zone and its records.
func (z *Zone) Clone() *Zone {
	c := &Zone{Origin: z.Origin, File: z.File, Records: make([]dns.RR, len(z.Records))}
	for i, rr := range z.Records {
		c.Records[i] = dns.Copy(rr)
	}
	return c
}

// MasterFile writes the zone as an RFC 1035 master file that ParseZone reads back.
func (z *Zone) MasterFile() string {
	var b strings.Builder
	fmt.Fprintf(&b, "; zone %s, written by NetLab\n$ORIGIN %s\n", z.Origin, z.Origin)
	for _, rr := range z.Records {
		b.WriteString(rr.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// FileName is the file name a zone is saved under ("classroom.lab.zone", "root.zone").
func (z *Zone) FileName() string {
	if z.Origin == "." {
		return "root.zone"
	}
	return z.Origin + "zone"
}

// SaveZones writes each zone to dir/FileName(), creating dir.
func SaveZones(dir string, zones []*Zone) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, z := range zones {
		if err := z.Validate(); err != nil {
			return err
		}
		tmp := filepath.Join(dir, z.FileName()+".tmp")
		if err := os.WriteFile(tmp, []byte(z.MasterFile()), 0o644); err != nil {
			return err
		}
		if err := os.Rename(tmp, filepath.Join(dir, z.FileName())); err != nil {
			return err
		}
	}
	return nil
}

// LoadZoneDir reads every *.zone file of dir (sorted from the root down).
func LoadZoneDir(dir string) ([]*Zone, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.zone"))
	if err != nil {
		return nil, err
	}
	var out []*Zone
	var errs []error
	for _, p := range paths {
		z, err := LoadZoneFile(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, z)
	}
	sortZones(out)
	return out, errors.Join(errs...)
}

// ParseRecord parses one record line ("www 300 IN A 192.0.2.80" or with the
// fields given apart) relative to origin. Errors are *RecordError.
func ParseRecord(origin, line string) (dns.RR, error) {
	zp := dns.NewZoneParser(strings.NewReader(line), dns.CanonicalName(origin), "record")
	zp.SetDefaultTTL(3600)
	rr, ok := zp.Next()
	if err := zp.Err(); err != nil {
		return nil, classifyParseError(zoneErrorOf("record", err).Msg)
	}
	if !ok || rr == nil {
		return nil, recordErr(CodeRecordEmpty, "")
	}
	if _, more := zp.Next(); more {
		return nil, recordErr(CodeRecordMany, "")
	}
	rr.Header().Name = dns.CanonicalName(rr.Header().Name)
	if _, err := dns.NewRR(rr.String()); err != nil || RecordOf(rr).Data == "" {
		t := rr.Header().Rrtype
		return nil, recordErr(CodeDataMissing, "data", "Type", TypeName(t), "Example", dataExample(t))
	}
	if !dns.IsSubDomain(dns.CanonicalName(origin), rr.Header().Name) {
		return nil, recordErr(CodeNameOutside, "name", "Text", rr.Header().Name, "Zone", dns.CanonicalName(origin))
	}
	return rr, nil
}

// RecordLine builds the text ParseRecord reads from the table's columns.
func RecordLine(name string, ttl uint32, typ, data string) string {
	return fmt.Sprintf("%s %d IN %s %s", strings.TrimSpace(name), ttl, strings.ToUpper(strings.TrimSpace(typ)), strings.TrimSpace(data))
}

// dataExample shows what the data of a record type looks like.
func dataExample(t uint16) string {
	switch t {
	case dns.TypeA:
		return "192.0.2.10"
	case dns.TypeAAAA:
		return "2001:db8::10"
	case dns.TypeMX:
		return "10 mail"
	case dns.TypeSRV:
		return "0 5 80 www"
	case dns.TypeCAA:
		return `0 issue "classroom.lab"`
	case dns.TypeTXT:
		return `"some text"`
	case dns.TypeSOA:
		return "ns1 teacher 2026112501 3600 600 86400 60"
	}
	return "www"
}
