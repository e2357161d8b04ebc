// Package browsertest sets up what eilnet's browser and protocol tests run
// with: Debian's Chromium, and the Node packages of this folder's
// package.json, installed by `npm ci` from its package-lock.json into
// node_modules here: playwright-core (driving Chromium from a Node script,
// see Node) and graphql-http (its auditServer checks a GraphQL-over-HTTP
// server), with the graphql they run on.
//
// Nothing is skipped: what cannot be found or installed fails the test with
// the command that would install it.
package browsertest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// ChromiumFlags are the flags every test's Chromium runs with: headless,
// and asking nothing of any host on its own (no updates, no sync, no
// background requests). Tests add a fresh --user-data-dir and
// HostResolverRules.
var ChromiumFlags = []string{
	"--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync",
}

// HostResolverRules makes every host but 127.0.0.1 unresolvable: a page
// under test can reach the test's own server and nothing else.
const HostResolverRules = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"

const installChromium = "apt-get update && apt-get install -y chromium"

var (
	chromiumOnce sync.Once
	chromiumPath string
	chromiumErr  error
)

// Chromium answers the path of Debian's Chromium ($EILNET_CHROMIUM, else
// chromium on PATH), installing it with apt-get when it is missing and the
// test runs as root.
func Chromium(tb testing.TB) string {
	tb.Helper()
	chromiumOnce.Do(func() { chromiumPath, chromiumErr = findChromium(tb) })
	if chromiumErr != nil {
		tb.Fatal(chromiumErr)
	}
	return chromiumPath
}

func lookChromium() string {
	if p := os.Getenv("EILNET_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

func findChromium(tb testing.TB) (string, error) {
	if p := lookChromium(); p != "" {
		return p, nil
	}
	if os.Geteuid() != 0 {
		return "", fmt.Errorf("chromium is not installed; install it with: sudo sh -c '%s'", installChromium)
	}
	// Tests of several packages may get here at once: one installs.
	unlock, err := lock(filepath.Join(os.TempDir(), "eilnet-browsertest-apt.lock"))
	if err != nil {
		return "", err
	}
	defer unlock()
	if p := lookChromium(); p != "" {
		return p, nil
	}
	tb.Logf("chromium is missing; running %s", installChromium)
	cmd := exec.Command("sh", "-c", "apt-get update -qq && apt-get install -y -qq -o DPkg::Lock::Timeout=300 chromium")
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("%s: %v\n%s", installChromium, err, tail(out))
	}
	if p := lookChromium(); p != "" {
		return p, nil
	}
	return "", fmt.Errorf("%s installed no chromium on PATH", installChromium)
}

const installNode = "apt-get update && apt-get install -y nodejs npm"

// ensureNode installs Debian's Node.js and npm when either is missing and
// the test runs as root, and fails saying the command otherwise.
func ensureNode(tb testing.TB) error {
	missing := func() bool {
		for _, tool := range []string{"node", "npm"} {
			if _, err := exec.LookPath(tool); err != nil {
				return true
			}
		}
		return false
	}
	if !missing() {
		return nil
	}
	if os.Geteuid() != 0 {
		return fmt.Errorf("Node.js or npm is not installed; install them with: sudo sh -c '%s'", installNode)
	}
	unlock, err := lock(filepath.Join(os.TempDir(), "eilnet-browsertest-apt.lock"))
	if err != nil {
		return err
	}
	defer unlock()
	if !missing() {
		return nil
	}
	tb.Logf("Node.js or npm is missing; running %s", installNode)
	cmd := exec.Command("sh", "-c", "apt-get update -qq && apt-get install -y -qq -o DPkg::Lock::Timeout=300 nodejs npm")
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %v\n%s", installNode, err, tail(out))
	}
	if missing() {
		return fmt.Errorf("%s installed no node and npm on PATH", installNode)
	}
	return nil
}

var (
	modulesOnce sync.Once
	modulesErr  error
)

// NodeModules runs `npm ci` into this package's node_modules (once, and
// only when package-lock.json changed since the last install) and answers
// that folder, for NODE_PATH.
func NodeModules(tb testing.TB) string {
	tb.Helper()
	dir := Dir()
	modulesOnce.Do(func() { modulesErr = npmCI(tb, dir) })
	if modulesErr != nil {
		tb.Fatal(modulesErr)
	}
	return filepath.Join(dir, "node_modules")
}

// Dir is this package's folder in the source tree.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(file)
}

// NPMCI installs dir's package-lock.json with `npm ci` unless dir's
// node_modules already holds that lockfile's install, and fails the test
// when it cannot.
func NPMCI(tb testing.TB, dir string) {
	tb.Helper()
	if err := npmCI(tb, dir); err != nil {
		tb.Fatal(err)
	}
}

func npmCI(tb testing.TB, dir string) error {
	if err := ensureNode(tb); err != nil {
		return err
	}
	lockfile, err := os.ReadFile(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		return err
	}
	sum := sha256.Sum256(lockfile)
	want := hex.EncodeToString(sum[:])
	stamp := filepath.Join(dir, "node_modules", ".eilnet-package-lock.sha256")
	if got, err := os.ReadFile(stamp); err == nil && string(got) == want {
		return nil
	}
	// Test processes of several packages may install the same folder.
	dirSum := sha256.Sum256([]byte(dir))
	unlock, err := lock(filepath.Join(os.TempDir(), "eilnet-npm-"+hex.EncodeToString(dirSum[:8])+".lock"))
	if err != nil {
		return err
	}
	defer unlock()
	if got, err := os.ReadFile(stamp); err == nil && string(got) == want {
		return nil
	}
	start := time.Now()
	cmd := exec.Command("npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("npm ci in %s (run it there by hand to see why): %v\n%s", dir, err, tail(out))
	}
	tb.Logf("npm ci in %s: %s", dir, time.Since(start).Round(time.Millisecond))
	return os.WriteFile(stamp, []byte(want), 0o644)
}

// Node runs `node script args...` with NODE_PATH set to NodeModules and
// the given extra environment, and answers its standard output. A failing
// script fails the test with its standard error.
func Node(tb testing.TB, env []string, script string, args ...string) []byte {
	tb.Helper()
	modules := NodeModules(tb)
	cmd := exec.Command("node", append([]string{script}, args...)...)
	cmd.Env = append(append(os.Environ(), "NODE_PATH="+modules), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		tb.Fatalf("node %s: %v\nstdout:\n%s\nstderr:\n%s", script, err, tail(stdout.Bytes()), tail(stderr.Bytes()))
	}
	if s := strings.TrimSpace(stderr.String()); s != "" {
		tb.Logf("node %s said:\n%s", filepath.Base(script), tail(stderr.Bytes()))
	}
	return stdout.Bytes()
}

// lock takes an exclusive lock on path, waiting for it, and answers its
// release.
func lock(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// tail is the last few kilobytes of a command's output.
func tail(b []byte) string {
	const max = 4000
	if len(b) > max {
		b = append([]byte("…"), b[len(b)-max:]...)
	}
	return string(b)
}
