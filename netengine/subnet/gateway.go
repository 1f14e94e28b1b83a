package subnet

import (
	"net/netip"
)

// Level of a Finding.
type Level int

// Finding levels.
const (
	OK Level = iota
	Warn
	Bad
	Info
)

// Finding is one sentence of a gateway check, with a code the GUI
// translates (the English template is Template()).
type Finding struct {
	Level Level
	Code  string
	Args  map[string]string
}

var findingTexts = map[string]string{
	"gw_in":          "The gateway {{.Gateway}} is inside the host's subnet {{.Network}}: the host can reach it directly (ARP/neighbour discovery on the link).",
	"gw_out":         "The gateway {{.Gateway}} is outside the host's subnet {{.Network}} ({{.First}} – {{.Last}}): the host cannot reach it, so packets for other networks go nowhere.",
	"gw_network":     "The gateway {{.Gateway}} is the network address of {{.Network}}: it names the subnet itself and cannot be a host or a router.",
	"gw_broadcast":   "The gateway {{.Gateway}} is the broadcast address of {{.Network}}: packets sent to it reach every host, not one router.",
	"gw_self":        "The gateway {{.Gateway}} is the host's own address: a host cannot be its own default gateway.",
	"gw_anycast":     "{{.Gateway}} is the Subnet-Router anycast address of {{.Network}} (the all-zero host): routers answer it, but configure a router's own address as the gateway.",
	"gw_linklocal":   "The gateway {{.Gateway}} is an IPv6 link-local address: it is outside {{.Network}}, but every IPv6 host also has a link-local address, and routers are usually reached that way on the same link.",
	"gw_none":        "No gateway given: the host can only talk to its own subnet {{.Network}}.",
	"peer_direct":    "{{.A}} and {{.B}} are in the same subnet {{.Network}}: they talk directly, without the gateway.",
	"peer_a_direct":  "{{.A}} sees {{.B}} inside its subnet: {{.B}} AND {{.MaskA}} = {{.BonA}}, the same as its own network {{.NetA}}. It sends directly on the link.",
	"peer_a_via":     "{{.A}} sees {{.B}} outside its subnet: {{.B}} AND {{.MaskA}} = {{.BonA}}, not its own network {{.NetA}}. It sends through its gateway.",
	"peer_b_direct":  "{{.B}} sees {{.A}} inside its subnet: {{.A}} AND {{.MaskB}} = {{.AonB}}, the same as its own network {{.NetB}}. It answers directly on the link.",
	"peer_b_via":     "{{.B}} sees {{.A}} outside its subnet: {{.A}} AND {{.MaskB}} = {{.AonB}}, not its own network {{.NetB}}. It answers through its gateway.",
	"peer_via":       "{{.A}} and {{.B}} are in different subnets: they can talk only through a router (the default gateway).",
	"peer_asym":      "The two hosts disagree because their masks differ: one sends directly, the other through the gateway. This often works one way only; give both the same mask.",
	"peer_via_nogw":  "{{.A}} needs a gateway to reach {{.B}}, but none is set or it is outside {{.NetA}}: they cannot talk.",
	"peer_same_addr": "{{.A}} and {{.B}} are the same address: an address conflict.",
}

// Template is the English text of a finding code.
func (f Finding) Template() string { return findingTexts[f.Code] }

// Text is the English sentence of f.
func (f Finding) Text() string { return Expand(f.Template(), f.Args) }

// FindingTemplates lists every finding template (tests check translations).
func FindingTemplates() []string {
	out := make([]string, 0, len(findingTexts))
	for _, t := range findingTexts {
		out = append(out, t)
	}
	return out
}

func find(l Level, code string, kv ...string) Finding {
	f := Finding{Level: l, Code: code, Args: map[string]string{}}
	for i := 0; i+1 < len(kv); i += 2 {
		f.Args[kv[i]] = kv[i+1]
	}
	return f
}

// GatewayCheck is the outcome of CheckGateway.
type GatewayCheck struct {
	Host     *Result
	Gateway  netip.Addr
	InSubnet bool
	// IsNetwork / IsBroadcast / IsSelf: the gateway is one of the addresses
	// that cannot be a router.
	IsNetwork, IsBroadcast, IsSelf bool
	// Usable is true when the host can use the gateway.
	Usable   bool
	Findings []Finding
	// Peer is filled by CheckPeers.
	Peer   *Result
	Direct bool
}

// CheckGateway checks gateway gw (invalid = none) for host h.
func CheckGateway(h *Result, gw netip.Addr) (*GatewayCheck, error) {
	c := &GatewayCheck{Host: h, Gateway: gw.WithZone("")}
	net := h.Prefix().String()
	if !gw.IsValid() {
		c.Findings = append(c.Findings, find(Info, "gw_none", "Network", net))
		return c, nil
	}
	gw = c.Gateway
	if gw.Is4() != h.Address.Is4() {
		return nil, newErr(CodeFamilyMix, "A", h.Address.String(), "B", gw.String())
	}
	c.InSubnet = h.Prefix().Contains(gw)
	c.IsSelf = gw == h.Address
	c.IsNetwork = c.InSubnet && gw == h.Network && h.Version == 4 && h.Reserved.Sign() > 0
	c.IsBroadcast = h.Broadcast.IsValid() && gw == h.Broadcast
	g := gw.String()
	switch {
	case !c.InSubnet && h.Version == 6 && gw.IsLinkLocalUnicast():
		c.Usable = true
		c.Findings = append(c.Findings, find(OK, "gw_linklocal", "Gateway", g, "Network", net))
	case !c.InSubnet:
		c.Findings = append(c.Findings, find(Bad, "gw_out", "Gateway", g, "Network", net,
			"First", h.FirstHost.String(), "Last", h.LastHost.String()))
	case c.IsSelf:
		c.Findings = append(c.Findings, find(Bad, "gw_self", "Gateway", g))
	case c.IsNetwork:
		c.Findings = append(c.Findings, find(Bad, "gw_network", "Gateway", g, "Network", net))
	case c.IsBroadcast:
		c.Findings = append(c.Findings, find(Bad, "gw_broadcast", "Gateway", g, "Network", net))
	case h.Version == 6 && gw == h.Network && h.Reserved.Sign() > 0:
		c.Usable = true
		c.Findings = append(c.Findings, find(Warn, "gw_anycast", "Gateway", g, "Network", net))
	default:
		c.Usable = true
		c.Findings = append(c.Findings, find(OK, "gw_in", "Gateway", g, "Network", net))
	}
	return c, nil
}

// CheckPeers adds to a gateway check of host a whether a second host b
// (with its own prefix length) can talk to a directly or only through the
// gateway, and why.
func CheckPeers(c *GatewayCheck, b *Result) error {
	a := c.Host
	if a.Version != b.Version {
		return newErr(CodeFamilyMix, "A", a.Address.String(), "B", b.Address.String())
	}
	c.Peer = b
	as, bs := a.Address.String(), b.Address.String()
	args := []string{"A", as, "B", bs, "NetA", a.Prefix().String(), "NetB", b.Prefix().String(),
		"MaskA", maskText(a), "MaskB", maskText(b),
		"BonA", netip.PrefixFrom(b.Address, a.Bits).Masked().Addr().String(),
		"AonB", netip.PrefixFrom(a.Address, b.Bits).Masked().Addr().String()}
	if a.Address == b.Address {
		c.Findings = append(c.Findings, find(Bad, "peer_same_addr", args...))
		return nil
	}
	aSees := a.Prefix().Contains(b.Address)
	bSees := b.Prefix().Contains(a.Address)
	if aSees && bSees && a.Prefix() == b.Prefix() {
		c.Direct = true
		c.Findings = append(c.Findings, find(OK, "peer_direct", append(args, "Network", a.Prefix().String())...))
		return nil
	}
	lvl := func(direct bool) Level {
		if direct {
			return OK
		}
		return Info
	}
	if aSees {
		c.Findings = append(c.Findings, find(lvl(true), "peer_a_direct", args...))
	} else {
		c.Findings = append(c.Findings, find(lvl(false), "peer_a_via", args...))
	}
	if bSees {
		c.Findings = append(c.Findings, find(lvl(true), "peer_b_direct", args...))
	} else {
		c.Findings = append(c.Findings, find(lvl(false), "peer_b_via", args...))
	}
	switch {
	case aSees && bSees:
		c.Direct = true
	case aSees != bSees:
		c.Findings = append(c.Findings, find(Warn, "peer_asym", args...))
	default:
		c.Findings = append(c.Findings, find(Info, "peer_via", args...))
	}
	if !aSees && !c.Usable {
		c.Findings = append(c.Findings, find(Bad, "peer_via_nogw", args...))
	}
	return nil
}

func maskText(r *Result) string {
	if r.Version == 4 {
		return r.Mask.String()
	}
	return "/" + itoa(r.Bits)
}
