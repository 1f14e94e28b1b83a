package subnet

import (
	"errors"
	"regexp"
	"testing"
)

// FuzzParse: the parser never panics, every error is an *Error with a
// message, and every accepted prefix calculates and round-trips.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"192.168.1.10/24", "10.0.0.1 255.255.255.0", "10.0.0.1 255.0.255.0",
		"2001:db8::1/64", "fe80::1%eth0/64", "10.0.0.1-10.0.0.20", "１０．０．０．１／８", "", "::/0", "1.2.3.4/33"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		in, err := Parse(s)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Error() == "" || missingArg(e) != "" {
				t.Fatalf("Parse(%q): bad error %v", s, err)
			}
			return
		}
		if in.Kind == KindRange {
			if in.To.Less(in.From) {
				t.Fatalf("reversed range accepted: %q", s)
			}
			if _, err := RangeToCIDR(in.From, in.To); err != nil {
				t.Fatal(err)
			}
			return
		}
		r, err := CalculateInput(in)
		if err != nil {
			t.Fatalf("Parse(%q) ok but Calculate: %v", s, err)
		}
		if r.Address.Less(r.Network) || r.Last.Less(r.Address) {
			t.Fatalf("%q: address outside its network", s)
		}
		in2, err := Parse(r.Address.String() + "/" + itoa(r.Bits))
		if err != nil || in2.Bits != in.Bits || in2.Addr != in.Addr {
			t.Fatalf("%q: round trip failed: %v", s, err)
		}
	})
}

var placeholder = regexp.MustCompile(`{{\.(\w+)}}`)

// missingArg returns a placeholder of e's template that e has no value for.
func missingArg(e *Error) string {
	for _, m := range placeholder.FindAllStringSubmatch(e.Code.Template(), -1) {
		if _, ok := e.Args[m[1]]; !ok {
			return m[1]
		}
	}
	return ""
}
