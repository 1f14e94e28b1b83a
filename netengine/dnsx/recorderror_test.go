package dnsx

import (
	"errors"
	"testing"
)

// Each common mistake in the zone editor gets its own code, naming the
// field, instead of miekg/dns's parser words.
func TestParseRecordFieldsExplains(t *testing.T) {
	cases := []struct {
		name, ttl, typ, data string
		code                 RecordCode
		field                string
		args                 map[string]string
	}{
		{"www", "300", "A", "300.1.1.1", CodeDataIPv4, "data", map[string]string{"Text": "300.1.1.1"}},
		{"www", "300", "A", "www", CodeDataIPv4, "data", nil},
		{"www", "300", "AAAA", "192.0.2.1", CodeDataIPv6, "data", nil},
		{"www", "300", "MX", "mail", CodeDataFormat, "data", map[string]string{"Type": "MX", "Example": "10 mail"}},
		{"www", "300", "MX", "10", CodeDataFormat, "data", nil},
		{"www", "300", "MX", "70000 mail", CodeDataFormat, "data", nil},
		{"www", "300", "SRV", "0 5 80", CodeDataFormat, "data", map[string]string{"Example": "0 5 80 www"}},
		{"www", "300", "CAA", "0 issue", CodeDataFormat, "data", nil},
		{"www", "300", "CNAME", "a..b", CodeDataName, "data", map[string]string{"Type": "CNAME", "Text": "a..b"}},
		{"www", "300", "CNAME", "two names", CodeDataExtra, "data", map[string]string{"Text": "names"}},
		{"www", "300", "A", "192.0.2.1 192.0.2.2", CodeDataExtra, "data", nil},
		{"www", "300", "TXT", `"open`, CodeDataQuote, "data", nil},
		{"www", "300", "A", "(192.0.2.1", CodeDataBraces, "data", nil},
		{"www", "300", "PTR", " ", CodeDataMissing, "data", map[string]string{"Type": "PTR"}},
		{"a..b", "300", "A", "192.0.2.1", CodeNameBad, "name", map[string]string{"Text": "a..b"}},
		{"my host", "300", "A", "192.0.2.1", CodeNameSpace, "name", nil},
		{"www.example.com.", "300", "A", "192.0.2.1", CodeNameOutside, "name", map[string]string{"Zone": "classroom.lab."}},
		{"www", "soon", "A", "192.0.2.1", CodeTTLBad, "ttl", map[string]string{"Text": "soon"}},
		{"www", "-1", "A", "192.0.2.1", CodeTTLBad, "ttl", nil},
	}
	for _, c := range cases {
		_, err := ParseRecordFields("classroom.lab.", c.name, c.ttl, c.typ, c.data)
		var re *RecordError
		if !errors.As(err, &re) {
			t.Errorf("%q %s %q: want a RecordError, got %v", c.name, c.typ, c.data, err)
			continue
		}
		if re.Code != c.code || re.Field != c.field {
			t.Errorf("%q %s %q: %s in %q (%v), want %s in %q", c.name, c.typ, c.data, re.Code, re.Field, err, c.code, c.field)
		}
		for k, v := range c.args {
			if re.Args[k] != v {
				t.Errorf("%q %s %q: %s = %q, want %q", c.name, c.typ, c.data, k, re.Args[k], v)
			}
		}
		if re.Error() == "" || re.Code.Template() == "" {
			t.Errorf("%s has no message", re.Code)
		}
	}
	// wildcards and the apex are fine
	for _, name := range []string{"*.students", "*", "", "@", "a.*.b"} {
		if rr, err := ParseRecordFields("classroom.lab.", name, "60", "A", "192.0.2.9"); err != nil {
			t.Errorf("%q: %v", name, err)
		} else if name == "*.students" && rr.Header().Name != "*.students.classroom.lab." {
			t.Errorf("wildcard owner %q", rr.Header().Name)
		}
	}
}
