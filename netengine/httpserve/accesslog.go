package httpserve

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/netlab-classroom/netlab/netengine/httpx"
)

// AccessLog writes one line per response in the common log format
//
//	host ident authuser [date] "request-line" status bytes
//
// complete and cheaply. The event loop only copies the request-line and a
// few numbers into the current batch under a short lock; a writer goroutine
// takes whole batches, formats them and writes each with one Write. When
// the writer falls behind (a slow pipe or disk) and a batch is full, the
// event loop waits for it: back-pressure instead of dropping, as nginx,
// which writes its log synchronously, never drops a line. A line is lost
// only when Write fails (disk full, closed pipe): Lost counts them and
// OnLost says so.
type AccessLog struct {
	w io.Writer
	// OnLost, if set, is called on the writer goroutine after a failed
	// Write with the error and the number of lines lost by it.
	OnLost func(err error, lines int)

	mu      sync.Mutex
	room    *sync.Cond // signalled when the writer took the batch
	cur     *logBatch  // being filled by the event loops
	spare   *logBatch  // empty, or being written
	closed  bool       // Close was called: the writer drains and stops
	free    bool       // Release was called: the event loops no longer wait
	gaveUp  bool       // Close stopped waiting for a blocked output
	stopped bool       // the writer has stopped: later lines are lost
	written int64
	lost    int64
	lastErr error
	kick    chan struct{}
	done    chan struct{}
	flushed chan struct{}
}

// logRec is one response; its request-line is line[0]:line[1] of the
// batch's arena.
type logRec struct {
	when   int64 // unix nanoseconds
	client string
	line   [2]int32
	minor  int8 // HTTP/1.minor; -1 when there is no request-line
	status int32
	bytes  int64
}

type logBatch struct {
	recs  []logRec
	arena []byte
}

const (
	// logWake: a batch this long wakes the writer at once (else it writes
	// every logEvery).
	logWake = 1024
	// logMax lines or logMaxBytes of request-lines (8 KiB targets are
	// allowed) make the event loop wait for the writer.
	logMax      = 16384
	logMaxBytes = 8 << 20
	logEvery    = 100 * time.Millisecond
)

// NewAccessLog starts the writer goroutine; Close stops it.
func NewAccessLog(w io.Writer) *AccessLog {
	l := &AccessLog{w: w, cur: &logBatch{}, spare: &logBatch{},
		kick: make(chan struct{}, 1), done: make(chan struct{}), flushed: make(chan struct{})}
	l.room = sync.NewCond(&l.mu)
	go l.run()
	return l
}

// add records one response (event loop). It blocks while the batch is
// full and the writer is still writing the previous one.
func (l *AccessLog) add(when time.Time, client string, r *httpx.Request, status int, sent int64) {
	l.mu.Lock()
	for (len(l.cur.recs) >= logMax || len(l.cur.arena) >= logMaxBytes) && !l.free && !l.stopped {
		l.room.Wait()
	}
	if l.stopped {
		l.lost++
		l.mu.Unlock()
		return
	}
	b := l.cur
	rec := logRec{when: when.UnixNano(), client: client, minor: -1, status: int32(status), bytes: sent}
	if r != nil {
		rec.line[0] = int32(len(b.arena))
		b.arena = append(b.arena, r.Method...)
		b.arena = append(b.arena, ' ')
		b.arena = append(b.arena, r.Target...)
		rec.line[1] = int32(len(b.arena))
		rec.minor = int8(r.Minor)
	}
	b.recs = append(b.recs, rec)
	wake := len(b.recs) == logWake || (len(b.arena) >= logMaxBytes/8 && rec.line[0] < logMaxBytes/8)
	l.mu.Unlock()
	if wake {
		select {
		case l.kick <- struct{}{}:
		default:
		}
	}
}

// Counts reports the lines written and the lines lost (by failed writes,
// or recorded after Close), and the last write error.
func (l *AccessLog) Counts() (written, lost int64, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.written, l.lost, l.lastErr
}

// Release stops making the event loops wait for the writer: call it
// before stopping the server, so that a writer stuck on a blocked output
// (a paused terminal) cannot hold the engine's shutdown. Lines recorded
// afterwards are still written by Close.
func (l *AccessLog) Release() {
	if l == nil {
		return
	}
	l.mu.Lock()
	l.free = true
	l.room.Broadcast()
	l.mu.Unlock()
}

// closeWait bounds how long Close waits for a blocked output.
var closeWait = 5 * time.Second

// Close writes what is left and stops the writer. Responses recorded
// after Close are counted as lost, and so are the lines still unwritten
// when the output stays blocked for closeWait.
func (l *AccessLog) Close() error {
	if l == nil {
		return nil
	}
	l.Release()
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	l.mu.Unlock()
	close(l.done)
	select {
	case <-l.flushed:
	case <-time.After(closeWait):
		l.mu.Lock()
		l.stopped, l.gaveUp = true, true
		l.lost += int64(len(l.cur.recs) + len(l.spare.recs)) // the spare: in the blocked Write
		if l.lastErr == nil {
			l.lastErr = errors.New("the output did not take the last lines")
		}
		l.mu.Unlock()
	}
	_, _, err := l.Counts()
	return err
}

func (l *AccessLog) run() {
	defer close(l.flushed)
	t := time.NewTicker(logEvery)
	defer t.Stop()
	var f logFormatter
	var out []byte
	for {
		stop := false
		select {
		case <-l.kick:
		case <-t.C:
		case <-l.done:
			stop = true
		}
		for {
			l.mu.Lock()
			b := l.cur
			l.cur, l.spare = l.spare, b
			l.room.Broadcast()
			l.mu.Unlock()
			if len(b.recs) == 0 {
				break
			}
			out = f.format(out[:0], b)
			n := len(b.recs)
			_, err := l.w.Write(out)
			l.mu.Lock()
			if l.gaveUp { // Close counted these lines as lost and returned
				l.mu.Unlock()
				return
			}
			if err != nil {
				l.lost += int64(n)
				l.lastErr = err
			} else {
				l.written += int64(n)
			}
			l.mu.Unlock()
			if err != nil && l.OnLost != nil {
				l.OnLost(err, n)
			}
			b.recs, b.arena = b.recs[:0], b.arena[:0]
			if cap(out) > 8<<20 {
				out = nil
			}
			if !stop {
				break // one batch per wake-up; a full one wakes us again
			}
		}
		if stop {
			l.mu.Lock()
			l.stopped = true
			l.lost += int64(len(l.cur.recs)) // none: the drain ran until empty
			l.room.Broadcast()
			l.mu.Unlock()
			return
		}
	}
}

// logFormatter caches what repeats from line to line.
type logFormatter struct {
	sec    int64
	date   []byte // "[02/Jan/2006:15:04:05 -0700] "
	client string
	host   []byte
}

// clfTime is the common log format's time.
const clfTime = "02/Jan/2006:15:04:05 -0700"

func (f *logFormatter) format(out []byte, b *logBatch) []byte {
	for i := range b.recs {
		r := &b.recs[i]
		if r.client != f.client {
			f.client, f.host = r.client, append(f.host[:0], clientHost(r.client)...)
		}
		if s := r.when / 1e9; s != f.sec || f.date == nil {
			f.sec = s
			f.date = append(f.date[:0], '[')
			f.date = time.Unix(s, 0).AppendFormat(f.date, clfTime)
			f.date = append(f.date, "] \""...)
		}
		out = append(out, f.host...)
		out = append(out, " - - "...)
		out = append(out, f.date...)
		if r.minor < 0 {
			out = append(out, '-')
		} else {
			out = appendQuoted(out, b.arena[r.line[0]:r.line[1]])
			out = append(out, " HTTP/1."...)
			out = append(out, byte('0'+r.minor))
		}
		out = append(out, "\" "...)
		out = strconv.AppendInt(out, int64(r.status), 10)
		out = append(out, ' ')
		if r.bytes > 0 {
			out = strconv.AppendInt(out, r.bytes, 10)
		} else {
			out = append(out, '-')
		}
		out = append(out, '\n')
	}
	return out
}

// appendQuoted escapes '"' and '\' (the parser lets no control byte in).
func appendQuoted(out, s []byte) []byte {
	if bytes.IndexByte(s, '"') < 0 && bytes.IndexByte(s, '\\') < 0 {
		return append(out, s...)
	}
	for _, c := range s {
		if c == '"' || c == '\\' {
			out = append(out, '\\')
		}
		out = append(out, c)
	}
	return out
}

// clientHost is the address without its port ("[::1]:80" → "::1").
func clientHost(addr string) string {
	i := len(addr) - 1
	for i >= 0 && addr[i] != ':' {
		i--
	}
	if i <= 0 {
		return addr
	}
	h := addr[:i]
	if len(h) > 1 && h[0] == '[' && h[len(h)-1] == ']' {
		h = h[1 : len(h)-1]
	}
	return h
}
