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
