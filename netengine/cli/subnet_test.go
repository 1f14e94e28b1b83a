package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func subnetRun(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = Run(append([]string{"subnet"}, args...), strings.NewReader(""), &o, &e, "test", "0")
	return code, o.String(), e.String()
}

func TestSubnetCLIJSON(t *testing.T) {
	code, out, errOut := subnetRun("192.168.1.130", "255.255.255.192", "--gateway", "192.168.1.129", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, out)
	}
	want := map[string]any{
		"input": "192.168.1.130 255.255.255.192", "version": 4.0, "address": "192.168.1.130", "prefix": 26.0,
		"mask": "255.255.255.192", "wildcard": "0.0.0.63", "network": "192.168.1.128", "broadcast": "192.168.1.191",
		"first_host": "192.168.1.129", "last_host": "192.168.1.190", "total_addresses": "64", "usable_hosts": "62",
		"class": "C", "scope": "private", "binary_address": "11000000.10101000.00000001.10000010",
		"binary_mask": "11111111.11111111.11111111.11000000", "gateway_in_subnet": true,
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %#v, want %#v", k, m[k], v)
		}
	}
}

func TestSubnetCLIIPv6AndEdges(t *testing.T) {
	code, out, _ := subnetRun("2001:db8::1/64", "--json")
	var m map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &m) != nil {
		t.Fatalf("exit %d %s", code, out)
	}
	if m["total_addresses"] != "18446744073709551616" || m["usable_hosts"] != "18446744073709551615" || m["broadcast"] != "" || m["version"] != 6.0 || m["scope"] != "documentation" {
		t.Errorf("v6 = %v", m)
	}
	if _, ok := m["gateway_in_subnet"]; ok {
		t.Error("gateway_in_subnet without --gateway")
	}
	code, out, _ = subnetRun("--json", "10.0.0.0/31", "--gateway", "10.0.0.5")
	json.Unmarshal([]byte(out), &m)
	if code != 0 || m["usable_hosts"] != "2" || m["broadcast"] != "" || m["gateway_in_subnet"] != false {
		t.Errorf("/31 = %v", m)
	}
	code, out, _ = subnetRun("::/0", "--json")
	json.Unmarshal([]byte(out), &m)
	if code != 0 || m["total_addresses"] != "340282366920938463463374607431768211456" {
		t.Errorf("::/0 = %v", m["total_addresses"])
	}
}

func TestSubnetCLIText(t *testing.T) {
	code, out, _ := subnetRun(" 10.1.2.3 / 8 ")
	if code != 0 || !strings.Contains(out, "Network:       10.0.0.0/8") || !strings.Contains(out, "Usable hosts:  16777214") {
		t.Errorf("exit %d\n%s", code, out)
	}
	code, out, _ = subnetRun("10.0.0.1-10.0.0.20", "--json")
	var m map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &m) != nil || len(m["cidrs"].([]any)) != 6 || m["total_addresses"] != "20" {
		t.Errorf("range: %d %s", code, out)
	}
}

func TestSubnetCLIErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{nil, 2, "missing address"},
		{[]string{"192.168.1.300/24"}, 1, "is not an IPv4 or IPv6 address"},
		{[]string{"10.0.0.1", "255.0.255.0"}, 1, "not contiguous: bit 17"},
		{[]string{"10.0.0.1/33"}, 1, "allows /0 to /32"},
		{[]string{"10.0.0.1/24", "--gateway", "nope"}, 1, "gateway"},
		{[]string{"10.0.0.1/24", "--gateway", "::1"}, 1, "different families"},
		{[]string{"10.0.0.1/24", "--bogus"}, 2, ""},
	}
	for _, tt := range tests {
		code, out, errOut := subnetRun(tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.msg) || out != "" {
			t.Errorf("%v: exit %d stderr %q stdout %q", tt.args, code, errOut, out)
		}
	}
	if code, out, _ := subnetRun("--help"); code != 0 || !strings.Contains(out, "--gateway") {
		t.Errorf("--help: %d %s", code, out)
	}
}
