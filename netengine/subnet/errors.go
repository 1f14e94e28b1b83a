// Package subnet parses and calculates IPv4 and IPv6 subnets for teaching:
// network and broadcast addresses, host ranges, exact address counts, the
// IANA special-purpose scope, the reverse-DNS zone, the binary AND step by
// step, gateway checks and subnetting (split, VLSM, summarise, range to
// CIDR). Address arithmetic is done with net/netip and go4.org/netipx; only
// the teaching views and the special-range table are written by hand.
package subnet

import (
	"fmt"
	"sort"
	"strings"
)

// Code says what is wrong with an input. The GUI translates codes; the
// English Error text is for the CLI and logs.
type Code string

// Error codes. Args used by each code are listed beside it.
const (
	CodeEmpty          Code = "empty"            // -
	CodeBadAddress     Code = "bad_address"      // Text
	CodeBadPrefix      Code = "bad_prefix"       // Text
	CodePrefixRange    Code = "prefix_range"     // Prefix, Max
	CodeMissingPrefix  Code = "missing_prefix"   // Addr
	CodeBadMask        Code = "bad_mask"         // Text
	CodeNonContiguous  Code = "mask_noncontig"   // Mask, Bit, Binary, Shorter
	CodeMaskFamily     Code = "mask_family"      // Addr, Mask
	CodeTooManyParts   Code = "too_many_parts"   // Text
	CodeRangeFamily    Code = "range_family"     // From, To
	CodeRangeReversed  Code = "range_reversed"   // From, To
	CodeNotRange       Code = "not_range"        // Text (a range where a subnet is needed)
	CodeCount          Code = "bad_count"        // Text
	CodeTooManySubnets Code = "too_many_subnets" // Count, Max
	CodeNoRoom         Code = "no_room"          // Parent, Need
	CodeTooSmall       Code = "too_small"        // Parent, Count
	CodeHostsTooMany   Code = "hosts_too_many"   // Hosts, Parent
	CodeFamilyMix      Code = "family_mix"       // A, B
)

// Error is a parse or calculation problem with a Code and the values that
// the message mentions.
type Error struct {
	Code Code
	Args map[string]string
}

var messages = map[Code]string{
	CodeEmpty:          "enter an address with a prefix (192.168.1.10/24), an address and a mask (192.168.1.10 255.255.255.0) or a range (10.0.0.1-10.0.0.20)",
	CodeBadAddress:     "{{.Text}} is not an IPv4 or IPv6 address",
	CodeBadPrefix:      "prefix length {{.Text}} is not a number",
	CodePrefixRange:    "prefix length /{{.Prefix}} is too long: this address family allows /0 to /{{.Max}}",
	CodeMissingPrefix:  "{{.Addr}} has no prefix length or mask: add /24 or a mask such as 255.255.255.0",
	CodeBadMask:        "{{.Text}} is not a mask: write it as a prefix (/24) or a dotted mask (255.255.255.0)",
	CodeNonContiguous:  "mask {{.Mask}} is not contiguous: bit {{.Bit}} is 1 after a 0 ({{.Binary}}); a mask is ones followed by zeros, such as /{{.Shorter}}",
	CodeMaskFamily:     "the mask {{.Mask}} is not of the same family as the address {{.Addr}}",
	CodeTooManyParts:   "too many parts in {{.Text}}: write ADDRESS/PREFIX, ADDRESS MASK or FROM-TO",
	CodeRangeFamily:    "the range {{.From}} - {{.To}} mixes IPv4 and IPv6",
	CodeRangeReversed:  "the range {{.From}} - {{.To}} ends before it starts",
	CodeNotRange:       "{{.Text}} is a range; enter a subnet (address/prefix) here",
	CodeCount:          "{{.Text}} is not a positive whole number",
	CodeTooManySubnets: "{{.Count}} subnets are too many to list (at most {{.Max}})",
	CodeNoRoom:         "{{.Parent}} has no room left for a subnet of {{.Need}} hosts",
	CodeTooSmall:       "{{.Parent}} cannot be split into {{.Count}} subnets",
	CodeHostsTooMany:   "{{.Hosts}} hosts do not fit in {{.Parent}}",
	CodeFamilyMix:      "{{.A}} and {{.B}} are of different families (IPv4 and IPv6)",
}

// Template is the English message template of c with {{.Arg}} placeholders
// (the GUI uses the same text as its translation key).
func (c Code) Template() string { return messages[c] }

// Codes lists every error code (tests check that each is translated).
func Codes() []Code {
	out := make([]Code, 0, len(messages))
	for c := range messages {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func (e *Error) Error() string { return Expand(e.Code.Template(), e.Args) }

// Expand replaces {{.Name}} in tmpl with args["Name"].
func Expand(tmpl string, args map[string]string) string {
	var pairs []string
	for k, v := range args {
		pairs = append(pairs, "{{."+k+"}}", v)
	}
	return strings.NewReplacer(pairs...).Replace(tmpl)
}

func newErr(c Code, kv ...string) *Error {
	e := &Error{Code: c, Args: map[string]string{}}
	for i := 0; i+1 < len(kv); i += 2 {
		e.Args[kv[i]] = kv[i+1]
	}
	return e
}

func itoa(n int) string { return fmt.Sprint(n) }
