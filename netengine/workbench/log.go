// Package workbench holds the models behind the TCP/UDP workbench panel:
// a TCP server session with its client list, a TCP client, a UDP socket, the
// bounded receive log the view drains on a timer, a raw capture writer that
// keeps every byte, auto-reply rules, periodic sends and byte counters.
// The panel is a thin view over these types; nothing here imports Fyne, and
// network callbacks only append to the log.
package workbench

import (
	"bufio"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// Dir is the direction of a record.
type Dir uint8

const (
	// RX: bytes received from Peer.
	RX Dir = iota
	// TX: bytes sent to Peer.
	TX
	// Event: a connection event (connected, closed, error); Data is an
	// English text with Args for the UI to translate.
	Event
)

func (d Dir) String() string {
	switch d {
	case TX:
		return "TX"
	case Event:
		return "--"
	}
	return "RX"
}

// Record is one read, one send or one event. For RX each record is exactly
// what one read returned: TCP is a byte stream, and the record boundaries
// show where the reads fell.
type Record struct {
	Seq  uint64
	Time time.Time
	// Conn identifies the connection (0 for UDP and session events).
	Conn uint64
	Peer string
	Dir  Dir
	Data []byte
	// Text and Args describe an Event (an English template key).
	Text string
	Args map[string]any
}

// Log is a bounded ring of records written by network callbacks and drained
// by the view. When it is full the oldest records are dropped and counted;
// a capture writer, when set, still receives every received byte.
type Log struct {
	mu         sync.Mutex
	capMu      sync.Mutex // guards the capture: file writes never block the view's reads of the ring
	recs       []Record   // ring
	head, n    int
	bytes      int
	maxBytes   int
	seq        uint64
	dropped    uint64 // records dropped from the ring
	droppedB   int64
	capture    *bufio.Writer
	captureC   io.Closer
	captureErr error
	captured   int64

	rx, tx atomic.Int64 // counters (resettable)
}

// NewLog makes a log that holds at most maxRecords records and about
// maxBytes bytes of data.
func NewLog(maxRecords, maxBytes int) *Log {
	if maxRecords <= 0 {
		maxRecords = 100000
	}
	if maxBytes <= 0 {
		maxBytes = 16 << 20
	}
	return &Log{recs: make([]Record, maxRecords), maxBytes: maxBytes}
}

// Add appends a copy of data as a record and returns its sequence number.
func (l *Log) Add(dir Dir, conn uint64, peer string, data []byte) uint64 {
	if dir == RX {
		l.rx.Add(int64(len(data)))
	} else if dir == TX {
		l.tx.Add(int64(len(data)))
	}
	r := Record{Time: time.Now(), Conn: conn, Peer: peer, Dir: dir, Data: append([]byte(nil), data...)}
	if dir == RX {
		l.capMu.Lock()
		if l.capture != nil && l.captureErr == nil {
			if _, err := l.capture.Write(data); err != nil {
				l.captureErr = err
			} else {
				l.captured += int64(len(data))
			}
		}
		l.capMu.Unlock()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.push(r)
}

// AddFileSent books n bytes of a file sent without passing through the
// program (Conn.SendFile): they count in TX, and the view shows one event
// instead of the bytes, which it never saw.
func (l *Log) AddFileSent(conn uint64, peer, name string, n int64) uint64 {
	l.tx.Add(n)
	return l.AddEvent(conn, peer, "Sent the file {{.Name}} ({{.N}} bytes); its bytes are not shown here", map[string]any{"Name": name, "N": n})
}

// AddEvent appends an event (text is an English template key).
func (l *Log) AddEvent(conn uint64, peer, text string, args map[string]any) uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.push(Record{Time: time.Now(), Conn: conn, Peer: peer, Dir: Event, Text: text, Args: args})
}

func (l *Log) push(r Record) uint64 {
	l.seq++
	r.Seq = l.seq
	for l.n > 0 && (l.n == len(l.recs) || l.bytes+len(r.Data) > l.maxBytes) {
		old := &l.recs[l.head]
		l.bytes -= len(old.Data)
		l.dropped++
		l.droppedB += int64(len(old.Data))
		*old = Record{}
		l.head = (l.head + 1) % len(l.recs)
		l.n--
	}
	l.recs[(l.head+l.n)%len(l.recs)] = r
	l.n++
	l.bytes += len(r.Data)
	return r.Seq
}

// Since returns up to max records with Seq > after, oldest first, and how
// many records after `after` were already dropped from the ring (lost to
// the view, though not to the capture file).
func (l *Log) Since(after uint64, max int) (recs []Record, lost uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n == 0 {
		return nil, 0
	}
	first := l.recs[l.head].Seq
	if after+1 < first {
		lost = first - after - 1
		after = first - 1
	}
	start := int(after + 1 - first)
	if start >= l.n {
		return nil, lost
	}
	cnt := l.n - start
	if max > 0 && cnt > max {
		cnt = max
	}
	recs = make([]Record, cnt)
	for i := 0; i < cnt; i++ {
		recs[i] = l.recs[(l.head+start+i)%len(l.recs)]
	}
	return recs, lost
}

// LastSeq is the sequence number of the newest record.
func (l *Log) LastSeq() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.seq
}

// Dropped is how many records (and data bytes) were dropped from the ring.
func (l *Log) Dropped() (records uint64, bytes int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.dropped, l.droppedB
}

// Clear empties the ring (the capture goes on). Sequence numbers continue.
func (l *Log) Clear() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := range l.recs {
		l.recs[i] = Record{}
	}
	l.head, l.n, l.bytes = 0, 0, 0
}

// Counters returns the received and sent byte counts since the last reset.
func (l *Log) Counters() (rx, tx int64) { return l.rx.Load(), l.tx.Load() }

// ResetCounters sets RX/TX to zero.
func (l *Log) ResetCounters() { l.rx.Store(0); l.tx.Store(0) }

// StartCapture writes every byte received from now on to w (raw, in arrival
// order, all peers). If w is an io.Closer, StopCapture closes it.
func (l *Log) StartCapture(w io.Writer) {
	l.capMu.Lock()
	defer l.capMu.Unlock()
	l.stopCaptureLocked()
	l.capture = bufio.NewWriterSize(w, 256<<10)
	l.captureC, _ = w.(io.Closer)
	l.captureErr = nil
	l.captured = 0
}

// Capturing reports whether a capture is running and how many bytes it has.
func (l *Log) Capturing() (on bool, bytes int64, err error) {
	l.capMu.Lock()
	defer l.capMu.Unlock()
	return l.capture != nil, l.captured, l.captureErr
}

// StopCapture flushes and closes the capture and returns the bytes written
// and the first error.
func (l *Log) StopCapture() (int64, error) {
	l.capMu.Lock()
	defer l.capMu.Unlock()
	return l.stopCaptureLocked()
}

func (l *Log) stopCaptureLocked() (int64, error) {
	if l.capture == nil {
		return 0, nil
	}
	err := l.captureErr
	if e := l.capture.Flush(); err == nil {
		err = e
	}
	if l.captureC != nil {
		if e := l.captureC.Close(); err == nil {
			err = e
		}
	}
	n := l.captured
	l.capture, l.captureC, l.captureErr = nil, nil, nil
	return n, err
}

// WriteRaw writes the data of the retained RX records (what the ring still
// holds) to w; use a capture for every byte.
func (l *Log) WriteRaw(w io.Writer) (int64, error) {
	recs, _ := l.Since(0, 0)
	var n int64
	for _, r := range recs {
		if r.Dir != RX {
			continue
		}
		m, err := w.Write(r.Data)
		n += int64(m)
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
