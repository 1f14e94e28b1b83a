package workbench

import (
	"sync"
	"time"
)

// Periodic calls send every interval, count times (0 = until stopped).
type Periodic struct {
	mu   sync.Mutex
	stop chan struct{}
	sent int
}

// MinInterval is the shortest period accepted.
const MinInterval = 10 * time.Millisecond

// Start begins sending; it stops a previous run first. send returning an
// error stops the run; done (may be nil) is called once at the end with
// the number of sends and that error.
func (p *Periodic) Start(interval time.Duration, count int, send func() error, done func(n int, err error)) {
	if interval < MinInterval {
		interval = MinInterval
	}
	p.Stop()
	stop := make(chan struct{})
	p.mu.Lock()
	p.stop = stop
	p.sent = 0
	p.mu.Unlock()
	go func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		var err error
		n := 0
	loop:
		for {
			if err = send(); err != nil {
				break
			}
			n++
			p.mu.Lock()
			p.sent = n
			p.mu.Unlock()
			if count > 0 && n >= count {
				break
			}
			select {
			case <-stop:
				break loop
			case <-t.C:
			}
		}
		p.mu.Lock()
		if p.stop == stop {
			p.stop = nil
		}
		p.mu.Unlock()
		if done != nil {
			done(n, err)
		}
	}()
}

// Running reports whether a run is active and how many sends it made.
func (p *Periodic) Running() (bool, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stop != nil, p.sent
}

// Stop ends the current run, if any.
func (p *Periodic) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stop != nil {
		close(p.stop)
		p.stop = nil
	}
}
