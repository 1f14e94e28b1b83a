// Package enginetest is the conformance suite of netengine.Engine: the
// behaviours every engine keeps (ENGINES.md, "The contract"), written once
// and run by every engine's tests. The real engines (epoll, portable) run it
// against clients of the host's TCP/IP stack on 127.0.0.1; the virtual
// engine (netengine/vnet/vengine) runs it against a second user-space stack.
//
//	func TestConformance(t *testing.T) {
//		enginetest.Run(t, enginetest.Local(func() (netengine.Engine, error) { return netengine.New("epoll") }))
//	}
//
// Like net/http/httptest this is a test helper imported by _test files; it
// imports "testing" and is never linked into the application.
package enginetest

import (
	"net"
	"runtime"
	"testing"
	"time"

	"github.com/netlab-classroom/netlab/netengine"
)

// Env is what the suite needs to know about one engine and its network.
type Env struct {
	// New makes a fresh engine; every behaviour gets its own and closes it.
	New func() (netengine.Engine, error)
	// ListenAddr is where the engine's servers listen ("127.0.0.1:0"): a
	// loopback or virtual address, never one reachable from outside.
	ListenAddr string
	// Dial connects a client on the peer side to addr (what the engine's
	// Listener reported). The client is a plain blocking socket that
	// nobody in the engine wrote: the host's own, or the other stack's.
	Dial func(addr string, timeout time.Duration) (Client, error)
	// PeerListen opens a plain server socket on the peer side, on a free
	// port, for the behaviours where the engine is the client.
	PeerListen func() (net.Listener, error)
	// SocketFDs says each connection holds one descriptor of this process
	// (a kernel socket). The SendFile behaviours count the process's
	// descriptors (Linux only) and expect the sockets' own to go away as
	// well as the queue's duplicates; the full-descriptor-table behaviour
	// (AcceptEMFILE) only applies to such engines. False for an engine
	// whose sockets are memory in a user-space stack: the suite then checks
	// that no file duplicate leaks and skips AcceptEMFILE, saying why.
	SocketFDs bool
}

// Client is the peer's end of a connection: a blocking socket with the two
// TCP controls the suite uses. *net.TCPConn is one.
type Client interface {
	net.Conn
	// CloseWrite sends FIN (half-close).
	CloseWrite() error
	// SetLinger(0) makes Close reset the connection (RST).
	SetLinger(sec int) error
}

// Local is the Env of an engine on the host's own TCP/IP stack: servers on
// 127.0.0.1, clients from the net package.
func Local(newEngine func() (netengine.Engine, error)) Env {
	return Env{
		New:        newEngine,
		ListenAddr: "127.0.0.1:0",
		Dial: func(addr string, timeout time.Duration) (Client, error) {
			c, err := net.DialTimeout("tcp", addr, timeout)
			if err != nil {
				return nil, err
			}
			return c.(*net.TCPConn), nil
		},
		PeerListen: func() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") },
		SocketFDs:  true,
	}
}

// Named is Local for the engine registered under name.
func Named(name string) Env {
	return Local(func() (netengine.Engine, error) { return netengine.New(name) })
}

// waitTime bounds every wait of the suite.
const waitTime = 20 * time.Second

// engine is one behaviour's engine together with its Env.
type engine struct {
	netengine.Engine
	env *Env
}

type behaviour struct {
	name string
	run  func(t *testing.T, eng *engine)
}

// Run runs every behaviour of the contract, each as a subtest with a fresh
// engine.
func Run(t *testing.T, env Env) {
	run(t, env, behaviours)
}

// RunSendFile runs the SendFile behaviours, each with a fresh engine.
func RunSendFile(t *testing.T, env Env) {
	run(t, env, sendFileBehaviours)
}

func run(t *testing.T, env Env, list []behaviour) {
	for _, b := range list {
		t.Run(b.name, func(t *testing.T) {
			e, err := env.New()
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			b.run(t, &engine{Engine: e, env: &env})
		})
	}
}

// listen starts a server of eng on its Env's address and returns the
// address to dial.
func listen(t *testing.T, eng *engine, h netengine.Handler, opt netengine.Options) string {
	t.Helper()
	ln, err := eng.Listen("tcp", eng.env.ListenAddr, h, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln.Addr().String()
}

// dial connects a peer client to addr; it is closed when the test ends.
func (eng *engine) dial(t *testing.T, addr string) Client {
	t.Helper()
	c, err := eng.env.Dial(addr, waitTime)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(waitTime))
	return c
}

// sockets is how many process descriptors n connections hold.
func (eng *engine) sockets(n int) int {
	if eng.env.SocketFDs {
		return n
	}
	return 0
}

// onWindows: Winsock reports some errors differently (see the behaviours).
var onWindows = runtime.GOOS == "windows"
