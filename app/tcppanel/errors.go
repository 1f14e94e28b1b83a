package tcppanel

import (
	"errors"

	"fyne.io/fyne/v2/lang"

	"github.com/netlab-classroom/netlab/netengine/workbench"
)

// Errors of the panel's own making; errText words them (and the
// workbench's and the system's) in the user's language.
var (
	// errNoSelection: "Selected clients" with none ticked.
	errNoSelection = errors.New("no client selected")
	// errBadAddress: the host or port field is wrong (the field says why).
	errBadAddress = errors.New("bad address")
)

// addrError is err with the address it concerns, for the explanation.
type addrError struct {
	addr string
	err  error
}

func (e *addrError) Error() string { return e.addr + ": " + e.err.Error() }
func (e *addrError) Unwrap() error { return e.err }

// errText explains an error in the user's language; addr is the address
// it concerns, if any.
func (u *sessionUI) errText(err error, addr string) string {
	var ae *addrError
	if errors.As(err, &ae) {
		addr, err = ae.addr, ae.err
	}
	if key, args := workbench.Explain(err, addr); key != "" {
		return lang.L(key, args)
	}
	mode := u.s.mode
	switch {
	case errors.Is(err, errNoSuchHost):
		return lang.L("The virtual network the Packets page shows now has no host {{.Host}}: choose another one under Network.",
			map[string]any{"Host": u.s.virtualHost()})
	case errors.Is(err, errNoEngine):
		return lang.L("The virtual network was rebuilt by the Packets page: start the session again.")
	case errors.Is(err, errBadAddress):
		return u.addr.errLabel.Text
	case errors.Is(err, errNoSelection):
		return lang.L("No client selected: tick clients in the list, or choose All clients.")
	case errors.Is(err, workbench.ErrNoClient) && mode == modeClient:
		return lang.L("Not connected: press Connect first (or tick Short connection).")
	case errors.Is(err, workbench.ErrNoClient) && mode == modeServer:
		return lang.L("No client is connected yet.")
	case errors.Is(err, workbench.ErrNoClient):
		return lang.L("Not connected.")
	case errors.Is(err, workbench.ErrNotRunning) && mode == modeServer:
		return lang.L("Start the server first.")
	case errors.Is(err, workbench.ErrNotRunning):
		return lang.L("Start first: the socket is not open.")
	case errors.Is(err, workbench.ErrBroadcastOff):
		return lang.L("Broadcast is off: tick \"Allow broadcast\" and bind again to send to a broadcast address.")
	}
	return lang.L("Error: {{.Err}}", map[string]any{"Err": err.Error()})
}

// stillTrue returns, for an error that describes the session's state, a
// function that reports whether that state still holds; nil for others.
func (u *sessionUI) stillTrue(err error) func() bool {
	s := u.s
	switch {
	case errors.Is(err, errNoSelection):
		return func() bool { return len(s.selectedIDs()) == 0 }
	case errors.Is(err, workbench.ErrNoClient) && s.mode == modeServer:
		return func() bool { return len(s.srv.OpenIDs()) == 0 }
	case errors.Is(err, workbench.ErrNoClient) && s.mode == modeClient:
		return func() bool { return !s.cli.Connected() }
	case errors.Is(err, workbench.ErrNotRunning):
		return func() bool { return !s.running() }
	}
	return nil
}
