// Command loadtarget is the fixed HTTP server that bench/load-vs-wrk.sh
// measures with both wrk and `netlab load`: Go's net/http answering
// "hello\n" with keep-alive, on a loopback address only.
package main

import (
	"crypto/sha256"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
)

var block = make([]byte, 1024)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "loopback address to listen on")
	work := flag.Int("work", 0, "hash this many KiB per request, so the server (not the load generator) is the bottleneck")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	if ip := ln.Addr().(*net.TCPAddr).IP; !ip.IsLoopback() {
		log.Fatalf("refusing to listen on %v: loopback only", ip)
	}
	fmt.Fprintln(os.Stdout, ln.Addr().String())
	log.Fatal(http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		h := sha256.New()
		for range *work {
			h.Write(block)
		}
		fmt.Fprintf(w, "hello %x\n", h.Sum(nil)[:4])
	})))
}
