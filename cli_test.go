package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"runtime/debug"
	"strings"
	"testing"
)

// mainArgsVar, when set, makes TestMainProcess run main with the
// arguments it holds (JSON), as the eilnet binary would.
const mainArgsVar = "EILNET_TEST_MAIN_ARGS"

// eilnet runs main in a process of its own with args, and answers its
// stdout, stderr and exit status.
func eilnet(t *testing.T, databaseURL string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	encoded, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^TestMainProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), mainArgsVar+"="+string(encoded), "DATABASE_URL="+databaseURL)
	var out, errs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errs
	err := cmd.Run()
	if exit, ok := errors.AsType[*exec.ExitError](err); ok {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return out.String(), errs.String(), code
}

// TestMainProcess is main, in the process eilnet starts; alone, it does
// nothing.
func TestMainProcess(t *testing.T) {
	encoded, ok := os.LookupEnv(mainArgsVar)
	if !ok {
		return
	}
	var args []string
	if err := json.Unmarshal([]byte(encoded), &args); err != nil {
		panic(err)
	}
	os.Args = append([]string{"eilnet"}, args...)
	main()
	os.Exit(0)
}

// The binary's exit status: 0 for help and version, 2 for a command line
// it cannot run (one line and a hint, no usage), 1 for other failures.
func TestExitStatus(t *testing.T) {
	// Nothing listens on port 1: connecting fails at once.
	const nowhere = "postgres://postgres@127.0.0.1:1/none?sslmode=disable"
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"apikey", "--help"}, {"operations", "--help"}, {"operations", "register", "--help"}, {"apikey", "create", "help"}} {
		stdout, stderr, code := eilnet(t, nowhere, args...)
		if code != 0 || !strings.HasPrefix(stdout, "Usage: ") && !strings.HasPrefix(stdout, "eilnet serves") || stderr != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, code, stdout[:min(len(stdout), 80)], stderr)
		}
	}
	for _, args := range [][]string{{"version"}, {"--version"}} {
		stdout, stderr, code := eilnet(t, nowhere, args...)
		if code != 0 || !strings.HasPrefix(stdout, "eilnet ") || stderr != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, code, stdout, stderr)
		}
	}
	for _, c := range []struct {
		args []string
		hint string
	}{
		{[]string{"frobnicate"}, "run 'eilnet --help' for usage"},
		{[]string{"apikey", "create", "--frob"}, "run 'eilnet apikey create --help' for usage"},
		{[]string{"serve", "--port", "http"}, "run 'eilnet serve --help' for usage"},
		{[]string{"apikey", "revoke"}, "run 'eilnet apikey revoke --help' for usage"},
		{[]string{"operations", "register"}, "run 'eilnet operations register --help' for usage"},
	} {
		stdout, stderr, code := eilnet(t, nowhere, c.args...)
		lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
		if code != 2 || stdout != "" || len(lines) != 2 || !strings.HasPrefix(lines[0], "eilnet") || lines[1] != c.hint {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", c.args, code, stdout, stderr)
		}
	}
	// A failure once the command is known is a JSON log line, as every
	// other.
	stdout, stderr, code := eilnet(t, nowhere, "migrate")
	lines := jsonLines(t, stderr)
	if code != 1 || stdout != "" || len(lines) == 0 {
		t.Fatalf("migrate without a database: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if last := lines[len(lines)-1]; last["level"] != "ERROR" || last["msg"] != "migrate failed" || !strings.Contains(last["err"].(string), "connect to database") {
		t.Errorf("the last line: %v", last)
	}
}

// jsonLines decodes stderr's lines, failing the test unless each is JSON.
func jsonLines(t *testing.T, stderr string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for line := range strings.SplitSeq(strings.TrimSuffix(stderr, "\n"), "\n") {
		var entry map[string]any
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Errorf("a log line that is not JSON: %q", line)
			continue
		}
		lines = append(lines, entry)
	}
	return lines
}

// version prints what the build recorded, whatever that is (go test
// records no commit).
func TestVersion(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"version"}, env(nil), &stdout, &stderr); err != nil || stderr.Len() > 0 {
		t.Fatalf("version: %v, stderr %q", err, &stderr)
	}
	bi, _ := debug.ReadBuildInfo()
	want := []string{"eilnet ", "  go:       " + bi.GoVersion, "  revision: "}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" {
			want = append(want, "  revision: "+s.Value, "  modified: ")
		}
	}
	for _, w := range want {
		if !strings.Contains(stdout.String(), w) {
			t.Errorf("version lacks %q:\n%s", w, &stdout)
		}
	}
	if exitCode(nil, &stderr) != 0 {
		t.Error("exit code of success")
	}
}
