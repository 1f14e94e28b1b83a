package dnsx

import (
	"bufio"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
)

// ErrNoSystemServers: the system's DNS servers could not be found.
var ErrNoSystemServers = errors.New("the system's DNS servers are not available here; choose a server (host:port) or the classroom server")

// HostsPath is the hosts file of goos.
func HostsPath(goos string) string {
	if goos == "windows" {
		root := os.Getenv("SystemRoot")
		if root == "" {
			root = `C:\Windows`
		}
		return filepath.Join(root, "System32", "drivers", "etc", "hosts")
	}
	return "/etc/hosts"
}

// HostsMatch is one line of the hosts file that matches.
type HostsMatch struct {
	Line  int      `json:"line"`
	Addr  string   `json:"addr"`
	Names []string `json:"names"`
}

// HostsResult is what the hosts file says about a name (or an address).
type HostsResult struct {
	Path    string       `json:"path"`
	Matches []HostsMatch `json:"matches"`
}

// LookupHosts reads the hosts file at path and returns the lines that map
// name (case-insensitive, trailing dot ignored) or, for an IP, that address.
func LookupHosts(path, name string) (*HostsResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	name = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(name)), ".")
	ip, ipErr := netip.ParseAddr(name)
	res := &HostsResult{Path: path}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue
		}
		addr, err := netip.ParseAddr(fields[0])
		if err != nil {
			continue
		}
		hit := ipErr == nil && addr.Unmap() == ip.Unmap()
		for _, h := range fields[1:] {
			if strings.EqualFold(strings.TrimSuffix(h, "."), name) {
				hit = true
			}
		}
		if hit {
			res.Matches = append(res.Matches, HostsMatch{Line: n, Addr: addr.String(), Names: fields[1:]})
		}
	}
	return res, sc.Err()
}
