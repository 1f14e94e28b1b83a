package httpserve

import (
	"encoding/json"
	"html"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Entry is one line of a directory listing.
type listEntry struct {
	Name     string    `json:"name"`
	Dir      bool      `json:"dir"`
	Size     int64     `json:"size"`
	Modified time.Time `json:"modified"`
}

// readListing lists rel (sorted: folders first, then by name), without
// dotfiles (unless shown) and without links that leave the folder.
func (s *Server) readListing(rel string) ([]listEntry, error) {
	d, err := s.root.Open(rel)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	des, err := d.ReadDir(-1)
	if err != nil {
		return nil, err
	}
	out := make([]listEntry, 0, len(des))
	for _, de := range des {
		name := de.Name()
		if strings.HasPrefix(name, ".") && !s.cfg.Dotfiles {
			continue
		}
		p := name
		if rel != "." {
			p = rel + "/" + name
		}
		fi, err := s.root.Stat(p) // follows links; fails for links leaving the folder
		if err != nil {
			continue
		}
		if !fi.IsDir() && !fi.Mode().IsRegular() {
			continue
		}
		out = append(out, listEntry{Name: name, Dir: fi.IsDir(), Size: sizeOf(fi), Modified: fi.ModTime().UTC().Truncate(time.Second)})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Dir != out[j].Dir {
			return out[i].Dir
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

func sizeOf(fi fs.FileInfo) int64 {
	if fi.IsDir() {
		return 0
	}
	return fi.Size()
}

func listingJSON(urlPath string, es []listEntry) []byte {
	b, _ := json.Marshal(struct {
		Path    string      `json:"path"`
		Entries []listEntry `json:"entries"`
	}{urlPath, es})
	return append(b, '\n')
}

// humanSize: 1.2 KiB style sizes.
func humanSize(n int64) string {
	const u = "KMGTPE"
	if n < 1024 {
		return strconv.FormatInt(n, 10) + " B"
	}
	f := float64(n)
	i := -1
	for f >= 1024 && i < len(u)-1 {
		f /= 1024
		i++
	}
	return strconv.FormatFloat(f, 'f', 1, 64) + " " + u[i:i+1] + "iB"
}

const pageStyle = `<style>
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em auto;max-width:60em;padding:0 1em;line-height:1.5;color:#222;background:#fff}
@media (prefers-color-scheme:dark){body{color:#ddd;background:#1e1e1e}a{color:#8ab4f8}}
table{border-collapse:collapse;width:100%}td,th{padding:.2em .8em;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
tr:nth-child(even){background:rgba(128,128,128,.1)}.crumb a{text-decoration:none}footer{margin-top:2em;color:#888;font-size:.9em}
.code{font-size:3em;font-weight:700;margin:0}
</style>`

// listingHTML renders the listing page with a breadcrumb.
func listingHTML(urlPath string, es []listEntry) []byte {
	var b strings.Builder
	b.WriteString("<!doctype html>\n<html><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>Index of ")
	b.WriteString(html.EscapeString(urlPath))
	b.WriteString("</title>" + pageStyle + "</head><body>\n<h1 class=\"crumb\">")
	b.WriteString(`<a href="/">/</a>`)
	acc := "/"
	for _, seg := range strings.Split(strings.Trim(urlPath, "/"), "/") {
		if seg == "" {
			continue
		}
		acc += seg + "/"
		b.WriteString(`<a href="` + html.EscapeString(escapePath(acc)) + `">` + html.EscapeString(seg) + "</a>/")
	}
	b.WriteString("</h1>\n<table><tr><th>Name 名称</th><th>Size 大小</th><th>Modified 修改时间</th></tr>\n")
	if urlPath != "/" {
		b.WriteString("<tr><td><a href=\"../\">../</a></td><td></td><td></td></tr>\n")
	}
	for _, e := range es {
		name := e.Name
		size := humanSize(e.Size)
		if e.Dir {
			name += "/"
			size = "—"
		}
		b.WriteString(`<tr><td><a href="` + html.EscapeString(escapePath(name)) + `">` + html.EscapeString(name) + `</a></td><td class="n">` + size + "</td><td>" + e.Modified.Format("2006-01-02 15:04:05") + " UTC</td></tr>\n")
	}
	b.WriteString("</table>\n<footer>NetLab · " + strconv.Itoa(len(es)) + " items 项</footer></body></html>\n")
	return []byte(b.String())
}

// errorPage is the friendly bilingual body of an error response.
func errorPage(code int, reason string) []byte {
	en, zh := errorWords(code)
	var b strings.Builder
	b.WriteString("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>")
	b.WriteString(strconv.Itoa(code) + " " + html.EscapeString(reason))
	b.WriteString("</title>" + pageStyle + "</head><body>\n<p class=\"code\">" + strconv.Itoa(code) + "</p>\n<h1>" + html.EscapeString(reason) + " · " + zh[0] + "</h1>\n<p>" + en + "</p>\n<p>" + zh[1] + "</p>\n<footer>NetLab</footer></body></html>\n")
	return []byte(b.String())
}

func errorWords(code int) (string, [2]string) {
	switch code {
	case 400:
		return "The request was not valid HTTP/1.1, so the server could not read it.", [2]string{"请求有误", "请求不符合 HTTP/1.1 格式，服务器无法理解。"}
	case 403:
		return "This path is not allowed: only files inside the shared folder can be served.", [2]string{"禁止访问", "不允许访问此路径：只能访问共享文件夹里的文件。"}
	case 404:
		return "There is no such file in the shared folder. Check the address.", [2]string{"找不到文件", "共享文件夹中没有这个文件，请检查地址。"}
	case 405:
		return "This server only reads files: it accepts GET, HEAD and OPTIONS.", [2]string{"方法不允许", "此服务器只提供文件：只接受 GET、HEAD 和 OPTIONS。"}
	case 408:
		return "The request head did not arrive in time.", [2]string{"请求超时", "请求头没有及时到达。"}
	case 414:
		return "The address is too long (more than 8 KiB).", [2]string{"地址太长", "请求地址太长（超过 8 KiB）。"}
	case 416:
		return "The requested byte range is outside the file.", [2]string{"范围无效", "请求的字节范围超出了文件大小。"}
	case 431:
		return "The request header fields are too large (over 64 KiB or 100 fields).", [2]string{"请求头太大", "请求头太大（超过 64 KiB 或 100 个字段）。"}
	case 501:
		return "The server does not support this request feature.", [2]string{"未实现", "服务器不支持这个请求功能。"}
	case 503:
		return "The server has too many connections right now. Try again soon.", [2]string{"服务器繁忙", "当前连接太多，请稍后再试。"}
	case 505:
		return "Only HTTP/1.0 and HTTP/1.1 are supported.", [2]string{"版本不支持", "只支持 HTTP/1.0 和 HTTP/1.1。"}
	}
	return "The server could not complete the request.", [2]string{"服务器错误", "服务器无法完成请求。"}
}
