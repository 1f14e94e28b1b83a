package vnet

import (
	"encoding/binary"
	"errors"
	"io"
	"sync"
	"time"
)

// Classic pcap (pcap-savefile(5)): microsecond timestamps, Ethernet frames.
const (
	pcapMagic    = 0xa1b2c3d4
	pcapSnapLen  = 65535
	linkTypeEthr = 1 // LINKTYPE_ETHERNET
)

// PcapHeader is the 24-byte global header of a classic pcap file with
// Ethernet frames: magic a1b2c3d4 (microseconds), version 2.4, zone 0,
// snaplen 65535, link type 1.
func PcapHeader() []byte {
	h := make([]byte, 24)
	binary.LittleEndian.PutUint32(h[0:], pcapMagic)
	binary.LittleEndian.PutUint16(h[4:], 2)
	binary.LittleEndian.PutUint16(h[6:], 4)
	binary.LittleEndian.PutUint32(h[16:], pcapSnapLen)
	binary.LittleEndian.PutUint32(h[20:], linkTypeEthr)
	return h
}

// AppendPcapRecord appends one pcap record (16-byte header and the frame) to
// dst.
func AppendPcapRecord(dst []byte, t time.Time, frame []byte) []byte {
	var h [16]byte
	us := t.UnixMicro()
	binary.LittleEndian.PutUint32(h[0:], uint32(us/1e6))
	binary.LittleEndian.PutUint32(h[4:], uint32(us%1e6))
	n := len(frame)
	if n > pcapSnapLen {
		n = pcapSnapLen
	}
	binary.LittleEndian.PutUint32(h[8:], uint32(n))
	binary.LittleEndian.PutUint32(h[12:], uint32(len(frame)))
	dst = append(dst, h[:]...)
	return append(dst, frame[:n]...)
}

// pcapWriter gets every captured frame as a pcap record in pending (under
// the capture lock) and writes it out on its own goroutine, so a slow disk
// never holds up the network: pending grows instead (lossless).
type pcapWriter struct {
	w       io.Writer
	pending []byte // guarded by capture.mu
	spare   []byte
	wake    chan struct{}
	done    chan struct{}
	err     error
	stopped bool
}

// record is called with the capture lock held.
func (p *pcapWriter) record(t time.Time, frame []byte) {
	p.pending = AppendPcapRecord(p.pending, t, frame)
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// WritePcap writes every frame captured from now on to w as a classic pcap
// file (LINKTYPE_ETHERNET, microsecond timestamps, snaplen 65535), losslessly:
// frames queue in memory while w is slow. stop detaches the writer, writes
// what is queued and returns the first write error. w is not closed.
func (n *Network) WritePcap(w io.Writer) (stop func() error, err error) {
	if _, err := w.Write(PcapHeader()); err != nil {
		return nil, err
	}
	p := &pcapWriter{w: w, wake: make(chan struct{}, 1), done: make(chan struct{})}
	c := n.cap
	c.mu.Lock()
	c.writers = append(c.writers, p)
	c.mu.Unlock()
	go func() {
		defer close(p.done)
		for range p.wake {
			c.mu.Lock()
			buf := p.pending
			p.pending = p.spare[:0]
			stopped := p.stopped
			c.mu.Unlock()
			if len(buf) > 0 && p.err == nil {
				_, p.err = w.Write(buf)
			}
			p.spare = buf
			if stopped {
				return
			}
		}
	}()
	var once sync.Once
	return func() error {
		once.Do(func() {
			c.mu.Lock()
			for i, x := range c.writers {
				if x == p {
					c.writers = append(c.writers[:i:i], c.writers[i+1:]...)
					break
				}
			}
			p.stopped = true
			c.mu.Unlock()
			select { // the goroutine drains pending, sees stopped, ends
			case p.wake <- struct{}{}:
			default: // a wake-up is already queued
			}
			<-p.done
		})
		return p.err
	}, nil
}

// errClosed is returned by operations on a closed network.
var errClosed = errors.New("vnet: network closed")
