// Package netengine is NetLab's network engine: one small interface for TCP
// servers and clients (engine.go), with several implementations chosen at
// run time by name. On Linux the default is "epoll", an event loop per core
// built on golang.org/x/sys/unix; everywhere else it is "portable", a
// goroutine per connection on the standard net package. Nothing here
// imports Fyne.
//
// Callbacks run on the engine's own goroutines (an event loop for epoll, the
// connection's goroutine for portable). They must not block: a Conn's Write
// only queues bytes, and long work belongs on another goroutine.
//
// # Layout
//
// The engine is the root package, as Go's net is: the contract
// (engine.go), what both engines share (counters.go, sendqueue.go,
// errors*.go, dupfile_*.go), the epoll engine (*_linux.go) and the portable
// engine (portable.go, conn_portable.go, trywrite_*.go). ENGINES.md says
// how they work. File suffixes follow the Go convention: _linux and
// _windows are by GOOS, _unix files build on every Unix (the unix build
// tag), _other files on the rest.
//
// The subpackages are NetLab's capabilities, each usable without a display,
// so the GUI (app/) and the command line share them:
//
//   - enginetest: the conformance suite every engine runs (exported, so
//     engines outside this package run the same behaviours);
//   - vnet: the virtual classroom network on gVisor's netstack, with
//     vnet/vengine (this package's Engine on a virtual host), vnet/packet
//     (frame decoding) and vnet/scenario (the one-click lessons);
//   - workbench, codec, tcpstate: the TCP/UDP workbench's models, byte
//     encodings and socket states;
//   - httpx, httpteach, httpserve: HTTP messages, their teaching view and
//     the static web server;
//   - dnsx: the DNS client and the classroom DNS server;
//   - loadgen, servermodels: the load generator and the server models of
//     the engine race;
//   - subnet, sysnet: subnet arithmetic and this machine's interfaces;
//   - cli: the `netlab` command line. It lives here, not in app/, because
//     it runs without a display (scripts, CI, a classroom server) and must
//     not link Fyne.
//   - internal: the pieces only these packages use (the epoll wrappers,
//     Windows adapters, Wine detection).
package netengine
