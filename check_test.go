package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// make check's generated-code step (scripts/check-generated) fails when
// go generate fails, and leaves the generated code as it was: a schema
// error once deleted graph/generated.go while the check passed.
func TestCheckGeneratedFailsOnBrokenSchema(t *testing.T) {
	listed, err := exec.Command("git", "ls-files").Output()
	if err != nil {
		t.Fatalf("git ls-files (the test copies the repository's files; install git: apt-get install -y git): %v", err)
	}
	dir := t.TempDir()
	for _, f := range strings.Fields(string(listed)) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	schema := filepath.Join(dir, "schema", "schema.graphqls")
	b, err := os.ReadFile(schema)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(schema, append(b, "\ntype Broken {\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", "scripts/check-generated")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the check passed with a broken schema:\n%s", out)
	}
	if !strings.Contains(string(out), "go generate failed") {
		t.Errorf("the check does not say why it failed:\n%s", out)
	}
	for _, f := range []string{"graph/generated.go", "graph/lean.generated.go", "graph/model/models_gen.go"} {
		want, _ := os.ReadFile(f)
		got, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is not as it was after the failed check: %v", f, err)
		}
	}
}

// Build outputs are never committed (a 24 MB server binary once was, at
// the root), and the places builds write to are ignored.
func TestNoBuildOutputsTracked(t *testing.T) {
	listed, err := exec.Command("git", "ls-files", "-z").Output()
	if err != nil {
		t.Fatalf("git ls-files (install git: apt-get install -y git): %v", err)
	}
	for _, f := range strings.Split(strings.TrimRight(string(listed), "\x00"), "\x00") {
		b, err := os.ReadFile(f)
		if err != nil {
			continue // deleted in the work tree, not yet in the index
		}
		if bytes.HasPrefix(b, []byte("\x7fELF")) || bytes.HasPrefix(b, []byte("PK\x03\x04")) || bytes.HasPrefix(b, []byte("PGDMP")) {
			t.Errorf("%s is a build output or a dump; it must not be committed", f)
		}
	}
	for _, f := range []string{"eilnet", "bin/eilnet"} {
		if err := exec.Command("git", "check-ignore", "-q", f).Run(); err != nil {
			t.Errorf("%s is not ignored by .gitignore", f)
		}
	}
}
