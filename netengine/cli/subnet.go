package cli

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"

	"github.com/netlab-classroom/netlab/netengine/subnet"
)

// subnetJSON is the --json object of `netlab subnet` (keys are part of the
// CLI contract; counts are decimal strings because IPv6 counts exceed 64 bits).
type subnetJSON struct {
	Input           string   `json:"input"`
	Version         int      `json:"version"`
	Address         string   `json:"address"`
	Prefix          int      `json:"prefix"`
	Mask            string   `json:"mask"`
	Wildcard        string   `json:"wildcard"`
	Network         string   `json:"network"`
	Broadcast       string   `json:"broadcast"`
	FirstHost       string   `json:"first_host"`
	LastHost        string   `json:"last_host"`
	TotalAddresses  string   `json:"total_addresses"`
	UsableHosts     string   `json:"usable_hosts"`
	Class           string   `json:"class"`
	Scope           string   `json:"scope"`
	ScopeName       string   `json:"scope_name"`
	ReverseZone     string   `json:"reverse_zone"`
	BinaryAddress   string   `json:"binary_address"`
	BinaryMask      string   `json:"binary_mask"`
	Notes           []string `json:"notes"`
	Gateway         string   `json:"gateway,omitempty"`
	GatewayInSubnet *bool    `json:"gateway_in_subnet,omitempty"`
	GatewayUsable   *bool    `json:"gateway_usable,omitempty"`
	GatewayFindings []string `json:"gateway_findings,omitempty"`
}

// rangeJSON is the --json object for a range FROM-TO.
type rangeJSON struct {
	Input          string   `json:"input"`
	Version        int      `json:"version"`
	From           string   `json:"from"`
	To             string   `json:"to"`
	TotalAddresses string   `json:"total_addresses"`
	CIDRs          []string `json:"cidrs"`
}

func init() {
	var c Command
	c = Command{
		Name:    "subnet",
		Summary: "calculate a subnet: network, broadcast, hosts, mask, binary, scope; check a gateway",
		Usage:   "subnet ADDR/PREFIX | ADDR MASK | FROM-TO [--gateway IP] [--json]",
		Run: func(env *Env, args []string) int {
			fs := env.Flags(c)
			gwText := fs.String("gateway", "", "check this default gateway against the subnet")
			asJSON := fs.Bool("json", false, "print one JSON object")
			pos, done, code := env.Parse(fs, args)
			if done {
				return code
			}
			if len(pos) == 0 {
				return env.UsageError(c, "missing address")
			}
			in, err := subnet.Parse(strings.Join(pos, " "))
			if err != nil {
				return env.Fail(c.Name, "%v", err)
			}
			if in.Kind == subnet.KindRange {
				return subnetRange(env, in, *asJSON)
			}
			r, err := subnet.CalculateInput(in)
			if err != nil {
				return env.Fail(c.Name, "%v", err)
			}
			var gc *subnet.GatewayCheck
			if *gwText != "" {
				gw, err := subnet.ParseAddr(*gwText)
				if err != nil {
					return env.Fail(c.Name, "gateway %q is not an IPv4 or IPv6 address", *gwText)
				}
				if gc, err = subnet.CheckGateway(r, gw); err != nil {
					return env.Fail(c.Name, "%v", err)
				}
			}
			if *asJSON {
				return writeJSON(env, subnetJSONOf(r, gc))
			}
			printSubnet(env, r, gc)
			return 0
		},
	}
	Register(c)
}

func addrText(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

func subnetJSONOf(r *subnet.Result, gc *subnet.GatewayCheck) subnetJSON {
	group := 8
	if r.Version == 6 {
		group = 16
	}
	j := subnetJSON{
		Input: r.Input, Version: r.Version, Address: r.Address.String(), Prefix: r.Bits,
		Mask: r.Mask.String(), Wildcard: r.Wildcard.String(), Network: r.Network.String(),
		Broadcast: addrText(r.Broadcast), FirstHost: r.FirstHost.String(), LastHost: r.LastHost.String(),
		TotalAddresses: r.Total.String(), UsableHosts: r.Usable.String(), Class: r.Class,
		Scope: r.Scope.Kind, ScopeName: r.Scope.Name, ReverseZone: r.ReverseZone,
		BinaryAddress: subnet.Binary(r.Address, group), BinaryMask: subnet.Binary(r.Mask, group),
		Notes: append([]string{}, r.Notes...),
	}
	if gc != nil {
		in, ok := gc.InSubnet, gc.Usable
		j.Gateway, j.GatewayInSubnet, j.GatewayUsable = gc.Gateway.String(), &in, &ok
		for _, f := range gc.Findings {
			j.GatewayFindings = append(j.GatewayFindings, f.Text())
		}
	}
	return j
}

func writeJSON(env *Env, v any) int {
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return env.Fail("subnet", "%v", err)
	}
	return 0
}

func printSubnet(env *Env, r *subnet.Result, gc *subnet.GatewayCheck) {
	group := 8
	if r.Version == 6 {
		group = 16
	}
	w := env.Stdout
	row := func(k, v string) { fmt.Fprintf(w, "%-14s %s\n", k+":", v) }
	count := func(n fmt.Stringer) string { return n.String() }
	row("Address", r.Address.String())
	row("Prefix", fmt.Sprintf("/%d", r.Bits))
	row("Mask", r.Mask.String())
	row("Wildcard", r.Wildcard.String())
	row("Network", fmt.Sprintf("%s/%d", r.Network, r.Bits))
	if r.Broadcast.IsValid() {
		row("Broadcast", r.Broadcast.String())
	} else {
		row("Broadcast", "none")
	}
	row("First host", r.FirstHost.String())
	row("Last host", r.LastHost.String())
	row("Addresses", count(r.Total))
	row("Usable hosts", count(r.Usable))
	if r.Class != "" {
		row("Class", r.Class+" (historical)")
	}
	row("Scope", fmt.Sprintf("%s (%s, %s)", r.Scope.Name, r.Scope.Prefix, r.Scope.RFC))
	row("Reverse zone", r.ReverseZone)
	row("Binary addr", subnet.Binary(r.Address, group))
	row("Binary mask", subnet.Binary(r.Mask, group))
	row("Binary net", subnet.Binary(r.Network, group))
	for _, n := range r.Notes {
		row("Note", subnet.NoteText(n))
	}
	if gc != nil {
		row("Gateway", gc.Gateway.String())
		for _, f := range gc.Findings {
			row("Gateway check", f.Text())
		}
	}
}

func subnetRange(env *Env, in subnet.Input, asJSON bool) int {
	ps, err := subnet.RangeToCIDR(in.From, in.To)
	if err != nil {
		return env.Fail("subnet", "%v", err)
	}
	v := 6
	if in.From.Is4() {
		v = 4
	}
	j := rangeJSON{Input: in.Text, Version: v, From: in.From.String(), To: in.To.String(),
		TotalAddresses: subnet.RangeSize(in.From, in.To).String(), CIDRs: []string{}}
	for _, p := range ps {
		j.CIDRs = append(j.CIDRs, p.String())
	}
	if asJSON {
		return writeJSON(env, j)
	}
	fmt.Fprintf(env.Stdout, "%-14s %s - %s\n%-14s %s\n", "Range:", j.From, j.To, "Addresses:", j.TotalAddresses)
	for _, c := range j.CIDRs {
		fmt.Fprintf(env.Stdout, "%-14s %s\n", "CIDR:", c)
	}
	return 0
}
