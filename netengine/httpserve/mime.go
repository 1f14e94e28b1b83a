package httpserve

import (
	"mime"
	"path"
	"strings"
)

// mimeTypes is a fixed table so every system serves the same types; other
// extensions fall back to the system's table.
var mimeTypes = map[string]string{
	".html":  "text/html; charset=utf-8",
	".htm":   "text/html; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".mjs":   "text/javascript; charset=utf-8",
	".json":  "application/json",
	".txt":   "text/plain; charset=utf-8",
	".md":    "text/markdown; charset=utf-8",
	".csv":   "text/csv; charset=utf-8",
	".xml":   "application/xml",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".jpg":   "image/jpeg",
	".jpeg":  "image/jpeg",
	".gif":   "image/gif",
	".webp":  "image/webp",
	".ico":   "image/x-icon",
	".pdf":   "application/pdf",
	".zip":   "application/zip",
	".gz":    "application/gzip",
	".wasm":  "application/wasm",
	".mp4":   "video/mp4",
	".mp3":   "audio/mpeg",
	".woff":  "font/woff",
	".woff2": "font/woff2",
	".go":    "text/plain; charset=utf-8",
	".c":     "text/plain; charset=utf-8",
	".py":    "text/plain; charset=utf-8",
}

// contentType is the Content-Type for a file name, with a charset for text.
func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := mimeTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		if strings.HasPrefix(t, "text/") && !strings.Contains(t, "charset") {
			t += "; charset=utf-8"
		}
		return t
	}
	return "application/octet-stream"
}

// compressible reports whether gzip is worth it for the type.
func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.HasPrefix(ctype, "application/json") ||
		strings.HasPrefix(ctype, "application/xml") || strings.HasPrefix(ctype, "image/svg") ||
		strings.HasPrefix(ctype, "application/wasm")
}
