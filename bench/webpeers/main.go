// Command webpeers is the Go net/http.FileServer peer of bench/run-web.sh:
// the standard library's static file server on a loopback port.
package main

import (
	"flag"
	"log"
	"net/http"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18083", "listen address")
	dir := flag.String("dir", ".", "folder to serve")
	flag.Parse()
	log.Fatal(http.ListenAndServe(*addr, http.FileServer(http.Dir(*dir))))
}
