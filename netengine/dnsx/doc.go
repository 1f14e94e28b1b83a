// Package dnsx is NetLab's DNS: a lookup client (system resolvers, any
// server, UDP or TCP), an iterative trace from the root, the hosts file, and
// the embedded authoritative classroom server that makes DNS work offline.
//
// The classroom server (Server) runs on github.com/miekg/dns's own sockets.
// It is authoritative only: names it does not serve get REFUSED, so it is
// never an open resolver. It ships a small hierarchy (zones/): the root zone
// delegates lab., lab. delegates classroom.lab., plus a reverse zone.
//
// Because one server answers for all three zones from one address, an
// iterative trace against it names the zone it means to ask with an EDNS0
// option (ViewOption); the server then answers from that zone only, exactly
// as the separate root, lab. and classroom.lab. servers would, referrals
// included. Ordinary clients (dig, browsers) never send the option and get
// the answer from the most specific zone.
//
// Answers follow RFC 1034 §4.3.2, with wildcards synthesized as RFC 4592
// says and negative answers carrying the SOA as RFC 2308 says (answer.go).
// BIND 9 is the reference: bind_test.go serves testdata/bind with named and
// with this server and compares every answer. Like BIND, a CNAME is
// followed inside its own zone only, and a referral's glue holds only
// addresses that lie below a zone cut.
package dnsx
