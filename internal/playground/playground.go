// Package playground serves eilnet's GraphiQL (GraphiQL 5 with the
// explorer plugin) from files embedded in the binary: the page at / and
// its scripts, stylesheet, font and Monaco's workers under AssetPath. The
// page asks nothing of any other host.
//
// dist/ is built from web/playground by `make playground`; the tests check
// that it is in step with those sources.
package playground

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

//go:embed dist
var dist embed.FS

// AssetPath is where the page's assets are served; web.New routes
// it here.
const AssetPath = "/playground/"

// CSP is the page's Content-Security-Policy: scripts, styles, workers and
// requests from eilnet itself alone. Monaco writes <style> elements (its
// themes, decorations), hence 'unsafe-inline' for styles; GraphiQL's
// stylesheet carries its fonts as data: URLs. Nothing is evaluated:
// no 'unsafe-eval'.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"font-src 'self' data:; img-src 'self' data:; connect-src 'self'; worker-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// assetCSP is sent with every asset. It binds only what runs as a worker
// of its own (Monaco's): those load nothing.
const assetCSP = "default-src 'none'; frame-ancestors 'none'"

const (
	pageCache  = "no-cache"
	assetCache = "public, max-age=31536000, immutable"
)

// hashed matches the names esbuild gives the assets: name-HASH.ext.
var hashed = regexp.MustCompile(`-[A-Z0-9]{8}\.[a-z0-9]+$`)

var types = map[string]string{
	".js":    "text/javascript; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".html":  "text/html; charset=utf-8",
	".ttf":   "font/ttf",
	".woff":  "font/woff",
	".woff2": "font/woff2",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".txt":   "text/plain; charset=utf-8",
}

// file is one embedded file with the headers it is served with.
type file struct {
	body        []byte
	contentType string
	cache       string
	csp         string
	etag        string

	gzipOnce sync.Once
	gzipped  []byte
}

type handler struct {
	page   *file
	assets map[string]*file
}

var (
	loadOnce sync.Once
	loaded   *handler
)

// Handler serves the page at / and its assets under AssetPath, to GET and
// HEAD.
func Handler() http.Handler {
	loadOnce.Do(func() { loaded = load() })
	return loaded
}

func load() *handler {
	page, err := dist.ReadFile("dist/index.html")
	if err != nil {
		panic("playground: dist/index.html is not embedded; run `make playground`")
	}
	h := &handler{page: newFile(page, types[".html"], pageCache, CSP), assets: map[string]*file{}}
	sub, err := fs.Sub(dist, "dist/assets")
	if err != nil {
		panic(err)
	}
	err = fs.WalkDir(sub, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(sub, name)
		if err != nil {
			return err
		}
		contentType, ok := types[path.Ext(name)]
		if !ok {
			contentType = "application/octet-stream"
		}
		cache := pageCache
		if hashed.MatchString(name) {
			cache = assetCache
		}
		h.assets[name] = newFile(body, contentType, cache, assetCSP)
		return nil
	})
	if err != nil {
		panic(err)
	}
	return h
}

func newFile(body []byte, contentType, cache, csp string) *file {
	sum := sha256.Sum256(body)
	return &file{
		body: body, contentType: contentType, cache: cache, csp: csp,
		etag: `W/"` + hex.EncodeToString(sum[:12]) + `"`,
	}
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	switch p := r.URL.Path; {
	case p == "/":
		h.page.serve(w, r)
	case strings.HasPrefix(p, AssetPath):
		if f, ok := h.assets[strings.TrimPrefix(p, AssetPath)]; ok {
			f.serve(w, r)
			return
		}
		http.NotFound(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (f *file) serve(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Type", f.contentType)
	hd.Set("Cache-Control", f.cache)
	hd.Set("Content-Security-Policy", f.csp)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("ETag", f.etag)
	if !slices.Contains(hd.Values("Vary"), "Accept-Encoding") {
		hd.Add("Vary", "Accept-Encoding")
	}
	if matches(r.Header.Get("If-None-Match"), f.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := f.body
	if acceptsGzip(r) {
		if gz := f.gzip(); gz != nil {
			hd.Set("Content-Encoding", "gzip")
			body = gz
		}
	}
	hd.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// gzip answers the file compressed (once, on first asking), or nil when
// compressing saves too little to be worth it.
func (f *file) gzip() []byte {
	f.gzipOnce.Do(func() {
		if len(f.body) < 1024 {
			return
		}
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.DefaultCompression)
		zw.Write(f.body)
		zw.Close()
		if b.Len() < len(f.body)*9/10 {
			f.gzipped = b.Bytes()
		}
	})
	return f.gzipped
}

// matches tells whether an If-None-Match header names etag (weakly, as
// RFC 9110 has it for GET).
func matches(header, etag string) bool {
	if header == "" {
		return false
	}
	want := strings.TrimPrefix(etag, "W/")
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == want {
			return true
		}
	}
	return false
}

// acceptsGzip tells whether the request accepts a gzip body (a q of 0
// refuses it).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}
