package playground_test

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"eilnet/internal/browsertest"
)

// TestDistInStep rebuilds the bundle from web/playground with the pinned
// toolchain (npm ci into a cache folder, then its build.mjs into a temporary
// one) and fails when the result differs, byte for byte, from the dist/
// that is embedded: `make playground` was not run after a change.
func TestDistInStep(t *testing.T) {
	t.Parallel()
	start := time.Now()
	src, err := filepath.Abs("../../web/playground")
	if err != nil {
		t.Fatal(err)
	}
	// The build runs in a copy of the sources beside its own node_modules,
	// kept between runs: npm ci runs again only when package-lock.json
	// changes. (The build's output does not depend on where it runs.)
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	work := filepath.Join(cache, "eilnet", "playground-build")
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(work)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "node_modules" {
			if err := os.RemoveAll(filepath.Join(work, e.Name())); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := os.CopyFS(work, sources{os.DirFS(src)}); err != nil {
		t.Fatalf("copy web/playground to %s: %v", work, err)
	}
	browsertest.NPMCI(t, work)

	out := t.TempDir()
	cmd := exec.Command("node", "build.mjs", out)
	cmd.Dir = work
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("node build.mjs in a copy of web/playground: %v\n%s", err, b)
	}
	t.Logf("rebuilt web/playground in %s", time.Since(start).Round(time.Millisecond))

	built, committed := files(t, out), files(t, "dist")
	for name, b := range built {
		c, ok := committed[name]
		switch {
		case !ok:
			t.Errorf("dist/%s is missing", name)
		case !bytes.Equal(b, c):
			t.Errorf("dist/%s differs from what web/playground builds", name)
		}
	}
	for name := range committed {
		if _, ok := built[name]; !ok {
			t.Errorf("dist/%s is not built from web/playground any more", name)
		}
	}
	if t.Failed() {
		t.Log("dist/ is out of step with web/playground: run `make playground` and commit internal/playground/dist")
	}
}

// sources is web/playground less its node_modules.
type sources struct{ fs.FS }

func (s sources) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(s.FS, name)
	return slices.DeleteFunc(entries, func(e fs.DirEntry) bool {
		return name == "." && e.Name() == "node_modules"
	}), err
}

func (s sources) Open(name string) (fs.File, error) {
	if name == "node_modules" || strings.HasPrefix(name, "node_modules/") {
		return nil, fs.ErrNotExist
	}
	return s.FS.Open(name)
}

// files reads every file under dir, by slash-separated relative name.
func files(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	m := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		m[filepath.ToSlash(rel)] = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}
