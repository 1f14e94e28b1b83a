package netengine

// The send queue. Both engines keep what a Write could not hand to the
// socket at once in a per-connection queue of byte chunks and file
// segments (SendFile), in order; Buffered counts it, and the watermarks
// (Options.HighWater/LowWater) pause reading while it is long. A Write
// whose bytes fit in the last chunk's spare room is appended to it, so
// small replies share chunks instead of costing one allocation each. The
// queue types differ (conn_epoll_linux.go: pooled *chunk with a file
// descriptor per segment; conn_portable.go: pitem with a duplicated
// *os.File); the sizes are shared.
const (
	// chunkSize is the smallest chunk: small writes (a 64-byte echo, a
	// header line) are packed together into it.
	chunkSize = 4 << 10
	// bigChunkSize is epoll's second pooled size: a bulk write up to 64 KiB
	// (a 16 KiB echo that met a full socket) takes one large chunk. Bigger
	// writes get a chunk of their own size.
	bigChunkSize = 64 << 10
)
