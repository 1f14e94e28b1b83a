package sysnet

import "github.com/netlab-classroom/netlab/netengine/internal/winadapt"

// DefaultGateways returns the default gateways of the adapters that are up
// (GetAdaptersAddresses), IPv4 first, lowest metric first.
func DefaultGateways() ([]Gateway, error) {
	ads, err := winadapt.Read()
	if err != nil {
		return nil, err
	}
	return gatewaysFromAdapters(ads), nil
}
