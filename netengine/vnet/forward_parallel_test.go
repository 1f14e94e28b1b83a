package vnet

import (
	"fmt"
	"net/netip"
	"sync"
	"testing"
	"time"
)

// TestForwardingParallel runs several classroom networks at once, each
// echoing UDP datagrams from pc1 through r1 (NAT on) to the server and
// back. Under -race it guards the forwarding path: netstack's own IPv4
// forwarding read a freed buffer here (see routing.go).
func TestForwardingParallel(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := 0; it < 3; it++ {
				if err := echoThroughRouter(); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func echoThroughRouter() error {
	n, err := Classroom()
	if err != nil {
		return err
	}
	defer n.Close()
	u, err := n.Host("server").ListenUDP(7)
	if err != nil {
		return err
	}
	defer u.Close()
	go func() {
		buf := make([]byte, 1500)
		for {
			k, from, err := u.ReadFrom(buf)
			if err != nil {
				return
			}
			u.WriteTo(buf[:k], from)
		}
	}()
	c, err := n.Host("pc1").DialUDP(netip.AddrPortFrom(ClassroomServer, 7))
	if err != nil {
		return err
	}
	defer c.Close()
	buf := make([]byte, 100)
	for k := 0; k < 3; k++ {
		msg := fmt.Sprintf("hello %d", k)
		c.Write([]byte(msg))
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		m, err := c.Read(buf)
		if err != nil {
			return err
		}
		if string(buf[:m]) != msg {
			return fmt.Errorf("echo %q, want %q", buf[:m], msg)
		}
	}
	// the reply crossed the router: TTL 64 from the server, 63 on pc1's cable
	for _, f := range n.Frames(0, 0) {
		if f.Link == "pc1-sw1" && len(f.Data) > 34 && f.Data[23] == 17 && f.Data[26] == 10 { // UDP from 10.x
			if f.Data[22] != 63 {
				return fmt.Errorf("TTL %d after one router, want 63", f.Data[22])
			}
		}
	}
	return nil
}
