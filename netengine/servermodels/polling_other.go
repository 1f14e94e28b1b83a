//go:build !linux

package servermodels

import "fmt"

const pollingAvailable = false

func startPolling(string) (Server, error) {
	return nil, fmt.Errorf("%w: the polling model uses Linux non-blocking sockets", ErrUnavailable)
}
