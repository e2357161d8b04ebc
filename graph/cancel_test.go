package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"eilnet/internal/dbtest"
	"eilnet/internal/gqltest"
)

func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatalf("%s did not happen within 5 s", what)
}

const factoryQuery = `{ factories(first: 3) { nodes { name } } }`

// A request that runs out of time cancels its SQL and answers TIMEOUT.
func TestRequestDeadlineCancelsSQL(t *testing.T) {
	db := dbtest.Seeded(t)
	s := gqltest.NewServer(t, db, gqltest.Options{RequestTimeout: 300 * time.Millisecond})
	release := db.Lock(t, "factories")
	defer release()

	start := time.Now()
	resp := s.Query(t, factoryQuery, nil)
	if took := time.Since(start); took > 3*time.Second {
		t.Fatalf("answered after %v: the statement was not cancelled", took)
	}
	if len(resp.Errors) == 0 || resp.Errors[0].Code() != "TIMEOUT" {
		t.Fatalf("errors %+v, want TIMEOUT", resp.Errors)
	}
	eventually(t, "the cancelled statement leaving", func() bool { return db.LockWaiters(t) == 0 })
}

// A client that goes away cancels the SQL of its request.
func TestDisconnectCancelsSQL(t *testing.T) {
	db := dbtest.Seeded(t)
	s := gqltest.NewServer(t, db, gqltest.Options{})
	release := db.Lock(t, "factories")
	defer release()

	ctx, cancel := context.WithCancel(context.Background())
	body, _ := json.Marshal(map[string]string{"query": factoryQuery})
	req, err := http.NewRequestWithContext(ctx, "POST", s.URL+"/query", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	done := make(chan struct{})
	go func() {
		defer close(done)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	eventually(t, "the statement waiting for the lock", func() bool { return db.LockWaiters(t) == 1 })
	cancel()
	<-done
	eventually(t, "the abandoned statement leaving", func() bool { return db.LockWaiters(t) == 0 })

	// The server is fine afterwards.
	release()
	var data struct {
		Factories struct{ Nodes []struct{ Name string } }
	}
	s.Query(t, factoryQuery, nil).MustData(t, &data)
	if len(data.Factories.Nodes) != 3 {
		t.Errorf("after the disconnect: %+v", data)
	}
}

// A request whose context ends before its operation runs (its deadline
// passed while its body arrived, or the client went away while it was
// parsed) is answered TIMEOUT, not with a panic.
func TestContextEndedBeforeExecution(t *testing.T) {
	var logs bytes.Buffer
	s := gqltest.NewServer(t, dbtest.Seeded(t), gqltest.Options{Log: slog.New(slog.NewJSONHandler(&logs, nil))})
	expired, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	gone, leave := context.WithCancel(context.Background())
	leave()
	for name, ctx := range map[string]context.Context{"deadline passed": expired, "client gone": gone} {
		req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/query", strings.NewReader(`{"query": "{ provinces { code } }"}`))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		s.Handler.ServeHTTP(rec, req)
		var resp struct {
			Data   json.RawMessage
			Errors []struct{ Extensions struct{ Code string } }
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil || len(resp.Errors) != 1 || resp.Errors[0].Extensions.Code != "TIMEOUT" {
			t.Errorf("%s: HTTP %d %s", name, rec.Code, rec.Body)
		}
	}
	if strings.Contains(logs.String(), "panic") || strings.Count(logs.String(), "client went away") != 1 {
		t.Errorf("log:\n%s", logs.String())
	}
}
