package dnsx

import (
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/miekg/dns"
)

// RecordCode says what is wrong with one record typed into an editor.
// miekg/dns's parser explains problems in its own English terms ("bad MX
// Pref"); the codes name the field and say it plainly, and the GUI
// translates them. The English Error text is for the CLI and logs.
type RecordCode string

// Record error codes; the arguments each one uses are listed beside it.
const (
	CodeRecordEmpty  RecordCode = "record_empty"  // -
	CodeRecordMany   RecordCode = "record_many"   // -
	CodeNameSpace    RecordCode = "name_space"    // Text
	CodeNameBad      RecordCode = "name_bad"      // Text
	CodeNameOutside  RecordCode = "name_outside"  // Text, Zone
	CodeTTLBad       RecordCode = "ttl_bad"       // Text
	CodeDataMissing  RecordCode = "data_missing"  // Type, Example
	CodeDataIPv4     RecordCode = "data_ipv4"     // Text
	CodeDataIPv6     RecordCode = "data_ipv6"     // Text
	CodeDataName     RecordCode = "data_name"     // Type, Text, Example
	CodeDataFormat   RecordCode = "data_format"   // Type, Example
	CodeDataQuote    RecordCode = "data_quote"    // -
	CodeDataBraces   RecordCode = "data_braces"   // -
	CodeDataExtra    RecordCode = "data_extra"    // Text
	CodeRecordSyntax RecordCode = "record_syntax" // Msg (the parser's own words)

	// problems of a whole zone (ZoneError, from Validate)
	CodeZoneOutside    RecordCode = "zone_outside"    // Name, Zone
	CodeZoneClass      RecordCode = "zone_class"      // Name
	CodeZoneIncomplete RecordCode = "zone_incomplete" // Name, Type
	CodeZoneSOAPlace   RecordCode = "zone_soa_place"  // Zone, Name
	CodeZoneSOACount   RecordCode = "zone_soa_count"  // Count
	CodeZoneNoNS       RecordCode = "zone_no_ns"      // Zone
	CodeZoneCNAME      RecordCode = "zone_cname"      // Name
	CodeZoneNoOrigin   RecordCode = "zone_no_origin"  // -
)

var recordMessages = map[RecordCode]string{
	CodeRecordEmpty:  "The record is empty: fill in Name, Type and Data.",
	CodeRecordMany:   "One record at a time, please.",
	CodeNameSpace:    "Name: “{{.Text}}” contains a space; a name is labels separated by dots, such as www or *.students.",
	CodeNameBad:      "Name: “{{.Text}}” is not a valid name; use letters, digits and hyphens between single dots, such as www or *.students.",
	CodeNameOutside:  "Name: {{.Text}} is outside the zone {{.Zone}}; write a name relative to the zone (www) or ending in {{.Zone}}.",
	CodeTTLBad:       "TTL: “{{.Text}}” is not a whole number of seconds (0 to 2147483647).",
	CodeDataMissing:  "Data: a {{.Type}} record needs data, e.g. {{.Example}}.",
	CodeDataIPv4:     "Data: “{{.Text}}” is not an IPv4 address; an A record holds one, such as 192.0.2.10.",
	CodeDataIPv6:     "Data: “{{.Text}}” is not an IPv6 address; an AAAA record holds one, such as 2001:db8::10.",
	CodeDataName:     "Data: “{{.Text}}” is not a valid name for a {{.Type}} record, e.g. {{.Example}}.",
	CodeDataFormat:   "Data: this is not how a {{.Type}} record is written; it looks like {{.Example}}.",
	CodeDataQuote:    "Data: a quotation mark is not closed; write text in double quotes, e.g. \"some text\".",
	CodeDataBraces:   "Data: the brackets ( ) do not match.",
	CodeDataExtra:    "Data: unexpected “{{.Text}}” after the data; one value per record (add another record for a second one).",
	CodeRecordSyntax: "This record is not valid: {{.Msg}}",

	CodeZoneOutside:    "{{.Name}} is outside the zone {{.Zone}}.",
	CodeZoneClass:      "{{.Name}}: only class IN is served.",
	CodeZoneIncomplete: "{{.Name}} {{.Type}} has missing or incomplete data.",
	CodeZoneSOAPlace:   "The SOA record must be at the zone's top ({{.Zone}}), not at {{.Name}}.",
	CodeZoneSOACount:   "A zone needs exactly one SOA record; this one has {{.Count}}.",
	CodeZoneNoNS:       "A zone needs at least one NS record at its top ({{.Zone}}).",
	CodeZoneCNAME:      "{{.Name}} has a CNAME and other records: a CNAME must be the only record of its name.",
	CodeZoneNoOrigin:   "There is no SOA record and no $ORIGIN: the zone's name is unknown.",
}

// RecordError is a problem with one record, with the field it is in
// ("name", "ttl", "data", or "" for the whole record).
type RecordError struct {
	Code  RecordCode
	Field string
	Args  map[string]string
}

// Template is the English message of c with {{.Arg}} placeholders (the
// GUI uses the same text as its translation key).
func (c RecordCode) Template() string { return recordMessages[c] }

// RecordCodes lists every record error code (tests check each is translated).
func RecordCodes() []RecordCode {
	out := make([]RecordCode, 0, len(recordMessages))
	for c := range recordMessages {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func (e *RecordError) Error() string {
	s := e.Code.Template()
	for k, v := range e.Args {
		s = strings.ReplaceAll(s, "{{."+k+"}}", v)
	}
	return s
}

func recordErr(c RecordCode, field string, kv ...string) *RecordError {
	e := &RecordError{Code: c, Field: field, Args: map[string]string{}}
	for i := 0; i+1 < len(kv); i += 2 {
		e.Args[kv[i]] = kv[i+1]
	}
	return e
}

// miekg/dns parse messages ("bad MX Pref: \"x\"") and what they mean.
var (
	reBadOwner = regexp.MustCompile(`^bad owner name: "(.*)"$`)
	reBadRdata = regexp.MustCompile(`^bad ([A-Z0-9]+) (\w+): "(.*)"$`)
	reGarbage  = regexp.MustCompile(`^garbage after rdata: "(.*)"$`)
	reNotTTL   = regexp.MustCompile(`^not a TTL: "(.*)"$`)
)

// classifyParseError turns the parser's message about one record into a
// RecordError.
func classifyParseError(msg string) *RecordError {
	if m := reBadOwner.FindStringSubmatch(msg); m != nil {
		return recordErr(CodeNameBad, "name", "Text", m[1])
	}
	if m := reNotTTL.FindStringSubmatch(msg); m != nil {
		return recordErr(CodeTTLBad, "ttl", "Text", m[1])
	}
	if strings.Contains(msg, "unbalanced brace") || strings.Contains(msg, "extra closing brace") {
		return recordErr(CodeDataBraces, "data")
	}
	if m := reGarbage.FindStringSubmatch(msg); m != nil {
		return recordErr(CodeDataExtra, "data", "Text", m[1])
	}
	if m := reBadRdata.FindStringSubmatch(msg); m != nil {
		text := strings.TrimSpace(m[3])
		typ := dns.StringToType[m[1]]
		switch m[1] {
		case "A":
			return recordErr(CodeDataIPv4, "data", "Text", text)
		case "AAAA":
			return recordErr(CodeDataIPv6, "data", "Text", text)
		case "TXT", "SPF":
			return recordErr(CodeDataQuote, "data")
		case "CNAME", "NS", "PTR", "DNAME":
			if text != "" {
				return recordErr(CodeDataName, "data", "Type", m[1], "Text", text, "Example", dataExample(typ))
			}
		}
		return recordErr(CodeDataFormat, "data", "Type", m[1], "Example", dataExample(typ))
	}
	return recordErr(CodeRecordSyntax, "", "Msg", msg)
}

// ParseRecordFields parses a record given as the editor's fields: the
// name relative to origin ("" or "@" for the apex, "*.students" for a
// wildcard), the TTL in seconds, the type and the data. Errors are
// *RecordError naming the field.
func ParseRecordFields(origin, name, ttl, typ, data string) (dns.RR, error) {
	name, ttl, data = strings.TrimSpace(name), strings.TrimSpace(ttl), strings.TrimSpace(data)
	if name == "" {
		name = "@"
	}
	if strings.ContainsAny(name, " \t") {
		return nil, recordErr(CodeNameSpace, "name", "Text", name)
	}
	n, err := strconv.ParseUint(ttl, 10, 31)
	if err != nil {
		return nil, recordErr(CodeTTLBad, "ttl", "Text", ttl)
	}
	t, err := ParseType(typ)
	if err != nil {
		return nil, recordErr(CodeRecordSyntax, "type", "Msg", err.Error())
	}
	if data == "" {
		return nil, recordErr(CodeDataMissing, "data", "Type", TypeName(t), "Example", dataExample(t))
	}
	return ParseRecord(origin, RecordLine(name, uint32(n), TypeName(t), data))
}
