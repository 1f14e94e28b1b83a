package dnsx

import (
	"net/netip"
	"sync"
	"time"
)

// rateLimiter is a token bucket per client address: Rate queries a second
// on average, bursts of up to Burst. Queries over the limit are dropped
// (answering them would let a forged source address turn the server into
// an amplifier). The table is bounded: idle clients are forgotten.
type rateLimiter struct {
	mu      sync.Mutex
	rate    float64
	burst   float64
	now     func() time.Time
	clients map[netip.Addr]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

const maxTrackedClients = 4096

func newRateLimiter(rate float64, burst int, now func() time.Time) *rateLimiter {
	if now == nil {
		now = time.Now
	}
	return &rateLimiter{rate: rate, burst: float64(burst), now: now, clients: map[netip.Addr]*bucket{}}
}

// allow takes one token for client, reporting whether it had one.
func (l *rateLimiter) allow(client netip.Addr) bool {
	if l == nil || l.rate <= 0 {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.now()
	b := l.clients[client]
	if b == nil {
		if len(l.clients) >= maxTrackedClients {
			l.evict(t)
		}
		b = &bucket{tokens: l.burst, last: t}
		l.clients[client] = b
	}
	b.tokens += t.Sub(b.last).Seconds() * l.rate
	if b.tokens > l.burst {
		b.tokens = l.burst
	}
	b.last = t
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// evict forgets clients whose bucket has refilled (they lose nothing), or
// all of them if none has.
func (l *rateLimiter) evict(t time.Time) {
	for a, b := range l.clients {
		if b.tokens+t.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.clients, a)
		}
	}
	if len(l.clients) >= maxTrackedClients {
		clear(l.clients)
	}
}
