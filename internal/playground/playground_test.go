package playground_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"eilnet/internal/playground"
)

func get(t *testing.T, h http.Handler, method, path string, header http.Header) *http.Response {
	t.Helper()
	r := httptest.NewRequest(method, path, nil)
	for k, v := range header {
		r.Header[k] = v
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Result()
}

func body(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// assets are the page's own references: its stylesheet, its script, and
// the workers and font those name.
func assets(t *testing.T, h http.Handler) []string {
	t.Helper()
	page := body(t, get(t, h, http.MethodGet, "/", nil))
	refs := regexp.MustCompile(`(?:href|src)="(/[^"]+)"`).FindAllStringSubmatch(page, -1)
	var paths []string
	for _, r := range refs {
		paths = append(paths, r[1])
	}
	if len(paths) != 2 {
		t.Fatalf("the page names %d assets, want its script and stylesheet:\n%s", len(paths), page)
	}
	for _, p := range paths {
		if strings.HasSuffix(p, ".js") {
			script := body(t, get(t, h, http.MethodGet, p, nil))
			workers := regexp.MustCompile(`"\./((?:editor|json|graphql)\.worker-[A-Z0-9]{8}\.js)"`).FindAllStringSubmatch(script, -1)
			if len(workers) != 3 {
				t.Fatalf("the script names %d Monaco workers, want 3", len(workers))
			}
			for _, w := range workers {
				paths = append(paths, playground.AssetPath+w[1])
			}
		}
		if strings.HasSuffix(p, ".css") {
			css := body(t, get(t, h, http.MethodGet, p, nil))
			for _, u := range regexp.MustCompile(`url\("?\./([^)"':]+)"?\)`).FindAllStringSubmatch(css, -1) {
				paths = append(paths, playground.AssetPath+u[1])
			}
		}
	}
	return paths
}

func TestPage(t *testing.T) {
	h := playground.Handler()
	resp := get(t, h, http.MethodGet, "/", nil)
	page := body(t, resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET / = %d", resp.StatusCode)
	}
	want := map[string]string{
		"Content-Type":            "text/html; charset=utf-8",
		"Cache-Control":           "no-cache",
		"Content-Security-Policy": playground.CSP,
		"X-Content-Type-Options":  "nosniff",
	}
	for k, v := range want {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	for _, bad := range []string{"'unsafe-eval'", "http:", "https:", "*"} {
		if strings.Contains(playground.CSP, bad) {
			t.Errorf("the CSP allows %s: %s", bad, playground.CSP)
		}
	}
	if strings.Contains(page, "//") && regexp.MustCompile(`(?:src|href)="(?:https?:)?//`).MatchString(page) {
		t.Errorf("the page names another host:\n%s", page)
	}

	// Revalidation: the page is no-cache, its ETag answers 304.
	etag := resp.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag on the page")
	}
	if resp := get(t, h, http.MethodGet, "/", http.Header{"If-None-Match": {etag}}); resp.StatusCode != http.StatusNotModified {
		t.Errorf("GET / with its ETag = %d, want 304", resp.StatusCode)
	}
	if resp := get(t, h, http.MethodHead, "/", nil); resp.StatusCode != http.StatusOK || body(t, resp) != "" {
		t.Errorf("HEAD / = %d with a body", resp.StatusCode)
	}
	if resp := get(t, h, http.MethodPost, "/", nil); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST / = %d, want 405", resp.StatusCode)
	}
}

func TestAssets(t *testing.T) {
	h := playground.Handler()
	types := map[string]string{
		".js":  "text/javascript; charset=utf-8",
		".css": "text/css; charset=utf-8",
		".ttf": "font/ttf",
	}
	paths := assets(t, h)
	if len(paths) < 6 {
		t.Fatalf("assets: %v, want the script, the stylesheet, 3 workers and a font", paths)
	}
	for _, p := range paths {
		resp := get(t, h, http.MethodGet, p, nil)
		b := body(t, resp)
		if resp.StatusCode != http.StatusOK || len(b) == 0 {
			t.Errorf("GET %s = %d (%d bytes)", p, resp.StatusCode, len(b))
			continue
		}
		ext := p[strings.LastIndex(p, "."):]
		if got := resp.Header.Get("Content-Type"); got != types[ext] {
			t.Errorf("%s: Content-Type %q, want %q", p, got, types[ext])
		}
		if got := resp.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("%s: Cache-Control %q", p, got)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no nosniff", p)
		}
	}
	for _, p := range []string{playground.AssetPath, playground.AssetPath + "nope.js", playground.AssetPath + "../index.html", "/index.html"} {
		if resp := get(t, h, http.MethodGet, p, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", p, resp.StatusCode)
		}
	}
}

func TestGzip(t *testing.T) {
	h := playground.Handler()
	var script string
	for _, p := range assets(t, h) {
		if strings.Contains(p, "/main-") && strings.HasSuffix(p, ".js") {
			script = p
		}
	}
	plain := body(t, get(t, h, http.MethodGet, script, nil))
	resp := get(t, h, http.MethodGet, script, http.Header{"Accept-Encoding": {"br;q=1.0, gzip;q=0.8"}})
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q, want gzip", resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(unzipped, []byte(plain)) {
		t.Error("the gzipped script is not the script")
	}
	if resp := get(t, h, http.MethodGet, script, http.Header{"Accept-Encoding": {"gzip;q=0"}}); resp.Header.Get("Content-Encoding") != "" {
		t.Error("gzip;q=0 was answered gzipped")
	}
}
