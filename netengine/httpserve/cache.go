package httpserve

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/netlab-classroom/netlab/netengine/httpx"
)

// fileMeta is what the server knows about one regular file.
type fileMeta struct {
	rel     string
	size    int64
	mod     time.Time
	etag    string
	lastMod string
	ctype   string
	// data is the whole file for hot small files, else nil.
	data []byte
	// gz is the gzip form of data when it is worth sending, else nil;
	// gzFromFile says it came from a precompressed .gz beside the file.
	gz         []byte
	gzFromFile bool
	checkedNs  atomic.Int64
}

func newMeta(rel string, fi os.FileInfo) *fileMeta {
	mod := fi.ModTime()
	return &fileMeta{
		rel: rel, size: fi.Size(), mod: mod,
		etag:    makeETag(mod, fi.Size()),
		lastMod: mod.UTC().Format(httpx.TimeFormat),
		ctype:   contentType(rel),
	}
}

// fileCache keeps small hot files in memory. An entry is trusted for
// Config.CacheCheck, then re-validated with a stat (size and mtime), so a
// changed file is served fresh.
type fileCache struct {
	mu      sync.RWMutex
	m       map[string]*fileMeta
	bytes   int64
	maxFile int64
	maxAll  int64
}

func newFileCache(maxFile, maxAll int64) *fileCache {
	return &fileCache{m: map[string]*fileMeta{}, maxFile: maxFile, maxAll: maxAll}
}

func (c *fileCache) get(rel string) *fileMeta {
	c.mu.RLock()
	m := c.m[rel]
	c.mu.RUnlock()
	return m
}

func (c *fileCache) put(m *fileMeta) {
	n := int64(len(m.data) + len(m.gz))
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.m[m.rel]; old != nil {
		c.bytes -= int64(len(old.data) + len(old.gz))
		delete(c.m, m.rel)
	}
	for k, v := range c.m { // evict arbitrary entries until it fits
		if c.bytes+n <= c.maxAll {
			break
		}
		c.bytes -= int64(len(v.data) + len(v.gz))
		delete(c.m, k)
	}
	if c.bytes+n > c.maxAll {
		return
	}
	c.m[m.rel] = m
	c.bytes += n
}

func (c *fileCache) drop(rel string) {
	c.mu.Lock()
	if old := c.m[rel]; old != nil {
		c.bytes -= int64(len(old.data) + len(old.gz))
		delete(c.m, rel)
	}
	c.mu.Unlock()
}

// load reads a small file and its gzip form into m.
func (s *Server) load(m *fileMeta) error {
	f, err := s.root.Open(m.rel)
	if err != nil {
		return err
	}
	defer f.Close()
	data := make([]byte, m.size)
	if _, err := io.ReadFull(f, data); err != nil {
		return err
	}
	m.data = data
	if compressible(m.ctype) && m.size >= 256 {
		if gzData, err := s.readPrecompressed(m.rel, s.cache.maxFile); err == nil {
			m.gz, m.gzFromFile = gzData, true
		} else {
			var b bytes.Buffer
			w, _ := gzip.NewWriterLevel(&b, gzip.DefaultCompression)
			w.Write(data)
			w.Close()
			if b.Len() < len(data)*9/10 {
				m.gz = b.Bytes()
			}
		}
	}
	return nil
}

// readPrecompressed reads rel+".gz" when it is a regular file of at most max bytes.
func (s *Server) readPrecompressed(rel string, max int64) ([]byte, error) {
	fi, err := s.root.Stat(rel + ".gz")
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() || fi.Size() > max {
		return nil, os.ErrNotExist
	}
	return s.root.ReadFile(rel + ".gz")
}
